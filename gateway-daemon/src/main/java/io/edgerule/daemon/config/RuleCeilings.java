package io.edgerule.daemon.config;

import io.edgerule.sandbox.RuleLimits;
import java.time.Duration;

/**
 * The gateway's ceiling for every rule's limits ({@code rule_limits:} in the config). A rule runs
 * under its manifest's limits (or the sandbox defaults) capped by these; a manifest can ask for
 * less, never for more (for the re-admission waits: never for shorter). Unset fields take the
 * generous defaults below, which protect the gateway without getting in the way of ordinary rules.
 * {@code stackKib} sizes the rule threads themselves (shared by all rules).
 */
public record RuleCeilings(
    Integer memoryPages,
    Duration deadline,
    Duration initDeadline,
    Integer maxActions,
    Integer maxActionBytes,
    Integer maxTableElements,
    Integer quarantineAfter,
    Duration faultWindow,
    Integer maxModuleBytes,
    Integer maxFunctions,
    Integer actionsPerSecond,
    Integer stateBytes,
    Integer stackKib,
    Duration readmitBackoff,
    Duration readmitBackoffMax) {
  public static final RuleCeilings DEFAULTS =
      new RuleCeilings(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

  public RuleCeilings {
    memoryPages = memoryPages == null ? 256 : memoryPages;
    deadline = deadline == null ? Duration.ofSeconds(1) : deadline;
    initDeadline = initDeadline == null ? Duration.ofSeconds(5) : initDeadline;
    maxActions = maxActions == null ? 1024 : maxActions;
    maxActionBytes = maxActionBytes == null ? 1024 * 1024 : maxActionBytes;
    maxTableElements = maxTableElements == null ? 100_000 : maxTableElements;
    quarantineAfter = quarantineAfter == null ? 3 : quarantineAfter;
    faultWindow = faultWindow == null ? Duration.ofSeconds(60) : faultWindow;
    maxModuleBytes = maxModuleBytes == null ? 8 * 1024 * 1024 : maxModuleBytes;
    maxFunctions = maxFunctions == null ? 50_000 : maxFunctions;
    actionsPerSecond = actionsPerSecond == null ? 100_000 : actionsPerSecond;
    stateBytes = stateBytes == null ? 1024 * 1024 : stateBytes;
    stackKib = stackKib == null ? 1024 : stackKib;
    readmitBackoff = readmitBackoff == null ? Duration.ofSeconds(30) : readmitBackoff;
    readmitBackoffMax = readmitBackoffMax == null ? Duration.ofHours(1) : readmitBackoffMax;
    // Validates every field with the sandbox's own messages (fields are not assigned yet here).
    new RuleLimits(
        memoryPages,
        deadline,
        initDeadline,
        maxActions,
        maxActionBytes,
        maxTableElements,
        quarantineAfter,
        faultWindow,
        maxModuleBytes,
        maxFunctions,
        actionsPerSecond,
        stateBytes,
        stackKib,
        readmitBackoff,
        readmitBackoffMax);
  }

  public RuleLimits toLimits() {
    return new RuleLimits(
        memoryPages,
        deadline,
        initDeadline,
        maxActions,
        maxActionBytes,
        maxTableElements,
        quarantineAfter,
        faultWindow,
        maxModuleBytes,
        maxFunctions,
        actionsPerSecond,
        stateBytes,
        stackKib,
        readmitBackoff,
        readmitBackoffMax);
  }
}
