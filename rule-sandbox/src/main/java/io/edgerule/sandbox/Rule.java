package io.edgerule.sandbox;

import io.edgerule.sandbox.internal.ActionRate;
import io.edgerule.sandbox.internal.CompiledModules;
import io.edgerule.sandbox.internal.FaultWindow;
import io.edgerule.sandbox.internal.ModuleValidator;
import io.edgerule.sandbox.internal.RuleInstance;
import io.edgerule.sandbox.internal.RuleState;
import io.edgerule.sandbox.internal.Watchdog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

  /**
   * The heap each fresh instance may still take for table growth: limits.heap_bytes less what an
   * instance keeps from the start (ModuleCost).
   */
  long tableHeap;

  final Watchdog.Slot slot;
  final FaultWindow faults;
  final RuleState state;
  final ActionRate rate;

  /** False for shadow candidates: their state is a private copy that is never saved. */
  volatile boolean persistent;

  /** The live instance; null after a fault until the next call re-creates it. */
  volatile RuleInstance instance;

  private volatile RuleStatus status = RuleStatus.ACTIVE;
  private volatile RuleFault quarantineCause;
  volatile boolean unloaded;

  // Re-admission: guarded by the engine's calls on this rule (one at a time) and volatile for
  // readers.
  private volatile Instant readmitAt;
  private volatile int quarantines; // consecutive, for the backoff
  volatile Instant lastFaultAt;

  Rule(
      String name,
      String source,
      RuleManifest manifest,
      RuleLimits limits,
      CompiledModules.Entry compiled,
      ModuleValidator.Checked checked,
      Watchdog.Slot slot,
      boolean persistent) {
    this.name = name;
    this.source = source;
    this.manifest = manifest;
    this.limits = limits;
    this.compiled = compiled;
    this.checked = checked;
    this.slot = slot;
    this.faults = new FaultWindow(limits.quarantineAfter(), limits.faultWindow());
    this.state = new RuleState(limits.stateBytes());
    this.rate = new ActionRate(limits.actionsPerSecond());
    this.persistent = persistent;
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

  /** When a quarantined rule will be re-admitted automatically (empty unless quarantined). */
  public Optional<Instant> readmitAt() {
    return status == RuleStatus.QUARANTINED ? Optional.ofNullable(readmitAt) : Optional.empty();
  }

  /** Quarantines in a row (without a clean period between them); sets the backoff. */
  public int consecutiveQuarantines() {
    return quarantines;
  }

  /** The committed persistent state (an immutable snapshot, keys to values). */
  public Map<String, byte[]> state() {
    return state.snapshot();
  }

  /** The backoff for the n-th quarantine in a row: readmit_backoff doubling, capped. */
  Duration backoff(int n) {
    Duration d = limits.readmitBackoff();
    for (int i = 1; i < n && d.compareTo(limits.readmitBackoffMax()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(limits.readmitBackoffMax()) > 0 ? limits.readmitBackoffMax() : d;
  }

  void quarantine(RuleFault cause) {
    quarantines++;
    readmitAt = cause.at().plus(backoff(quarantines));
    quarantineCause = cause;
    status = RuleStatus.QUARANTINED;
  }

  /** A fault after a clean period of twice the last backoff starts the backoff afresh. */
  void noteFault(Instant at) {
    Instant last = lastFaultAt;
    if (last != null
        && quarantines > 0
        && Duration.between(last, at).compareTo(backoff(quarantines).multipliedBy(2)) >= 0) {
      quarantines = 0;
    }
    lastFaultAt = at;
  }

  void activate() {
    quarantineCause = null;
    readmitAt = null;
    status = RuleStatus.ACTIVE;
  }

  void disable() {
    quarantineCause = null;
    readmitAt = null;
    status = RuleStatus.DISABLED;
  }

  void resetBackoff() {
    quarantines = 0;
  }

  @Override
  public String toString() {
    return "Rule[" + name + ", " + status + "]";
  }
}
