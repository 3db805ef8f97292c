package io.edgerule.sandbox;

import io.edgerule.sandbox.internal.CompiledModules;
import io.edgerule.sandbox.internal.FaultWindow;
import io.edgerule.sandbox.internal.ModuleValidator;
import io.edgerule.sandbox.internal.RuleInstance;
import io.edgerule.sandbox.internal.Watchdog;
import java.util.List;
import java.util.Optional;

/**
 * A loaded rule: a handle the daemon passes back to {@link RuleEngine}. Its status and fault
 * history may be read from any thread (health, metrics).
 */
public final class Rule {
  private final String name;
  private final String source;
  private final RuleManifest manifest;
  private final RuleLimits limits;
  final CompiledModules.Entry compiled;
  final ModuleValidator.Checked checked;
  final Watchdog.Slot slot;
  final FaultWindow faults;

  /** The live instance; null after a fault until the next call re-creates it. */
  volatile RuleInstance instance;

  private volatile RuleStatus status = RuleStatus.ACTIVE;
  private volatile RuleFault quarantineCause;
  volatile boolean unloaded;

  Rule(
      String name,
      String source,
      RuleManifest manifest,
      RuleLimits limits,
      CompiledModules.Entry compiled,
      ModuleValidator.Checked checked,
      Watchdog.Slot slot) {
    this.name = name;
    this.source = source;
    this.manifest = manifest;
    this.limits = limits;
    this.compiled = compiled;
    this.checked = checked;
    this.slot = slot;
    this.faults = new FaultWindow(limits.quarantineAfter(), limits.faultWindow());
  }

  public String name() {
    return name;
  }

  public RuleManifest manifest() {
    return manifest;
  }

  /** The limits the rule runs under: its manifest's, capped by the host's. */
  public RuleLimits limits() {
    return limits;
  }

  /** Where the module came from (a path), if the engine was told. */
  public Optional<String> source() {
    return Optional.ofNullable(source);
  }

  /** Hex SHA-256 of the module: the compile-cache key, and a version id for reports. */
  public String moduleDigest() {
    return compiled.digest();
  }

  public RuleStatus status() {
    return status;
  }

  /** The most recent faults, oldest first (at most 16). */
  public List<RuleFault> faults() {
    return faults.recent();
  }

  /** Faults since the rule was loaded. */
  public long faultCount() {
    return faults.total();
  }

  /** The fault that quarantined the rule, while it is quarantined. */
  public Optional<RuleFault> quarantineCause() {
    return status == RuleStatus.QUARANTINED
        ? Optional.ofNullable(quarantineCause)
        : Optional.empty();
  }

  void quarantine(RuleFault cause) {
    quarantineCause = cause;
    status = RuleStatus.QUARANTINED;
  }

  void activate() {
    quarantineCause = null;
    status = RuleStatus.ACTIVE;
  }

  @Override
  public String toString() {
    return "Rule[" + name + ", " + status + "]";
  }
}
