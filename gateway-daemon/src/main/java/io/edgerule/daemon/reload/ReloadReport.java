package io.edgerule.daemon.reload;

import io.edgerule.daemon.adapters.AdapterSet;
import io.edgerule.daemon.rules.RuleChanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a config reload did: refused (the running config stays), nothing to do, or what changed, and
 * which settings need a restart to take effect.
 *
 * @param error why it was refused or unavailable, else null
 * @param appliedLive settings other than devices and rules that took effect at once (telemetry), by
 *     their path in the file
 * @param needsRestart restart-only settings the new config changes; the old values stay in effect
 * @param settingsFailed settings that could not be applied, with why (the old values stay)
 */
public record ReloadReport(
    Outcome outcome,
    String error,
    AdapterSet.Changes devices,
    RuleChanges rules,
    List<String> appliedLive,
    List<String> needsRestart,
    Map<String, String> settingsFailed) {

  public enum Outcome {
    /** Devices, rules or live settings changed. */
    APPLIED,
    /** Nothing to restart, swap, add or remove (maybe settings that need a restart). */
    UNCHANGED,
    /** The new config is invalid; the running one stays. */
    REFUSED,
    /** This gateway has no config source to reload from. */
    UNAVAILABLE
  }

  public ReloadReport {
    appliedLive = List.copyOf(appliedLive);
    needsRestart = List.copyOf(needsRestart);
    settingsFailed = Map.copyOf(settingsFailed);
  }

  static ReloadReport refused(String error) {
    return new ReloadReport(
        Outcome.REFUSED,
        error,
        AdapterSet.Changes.NONE,
        RuleChanges.NONE,
        List.of(),
        List.of(),
        Map.of());
  }

  static ReloadReport unavailable(String why) {
    return new ReloadReport(
        Outcome.UNAVAILABLE,
        why,
        AdapterSet.Changes.NONE,
        RuleChanges.NONE,
        List.of(),
        List.of(),
        Map.of());
  }

  /** Whether a device, rule or setting could not be brought up as the new config says. */
  public boolean hasFailures() {
    return !devices.failed().isEmpty() || !rules.failed().isEmpty() || !settingsFailed.isEmpty();
  }

  /** The answer's status: OK, FAILED (partly applied), INVALID (refused) or REJECTED. */
  public String status() {
    return switch (outcome) {
      case REFUSED -> "INVALID";
      case UNAVAILABLE -> "REJECTED";
      default -> hasFailures() ? "FAILED" : "OK";
    };
  }

  /** One line for the answer and the log. */
  public String summary() {
    if (outcome == Outcome.REFUSED) {
      return "config refused, the running config stays: " + error;
    }
    if (outcome == Outcome.UNAVAILABLE) {
      return error;
    }
    List<String> parts = new ArrayList<>();
    if (outcome == Outcome.UNCHANGED) {
      parts.add("no changes to devices or rules");
    }
    list(parts, "devices added", devices.added());
    list(parts, "devices changed (reconnected)", devices.changed());
    list(parts, "devices changed in place (connection kept)", devices.changedInPlace());
    list(parts, "devices removed", devices.removed());
    failed(parts, "devices failed", devices.failed());
    list(parts, "rules added", rules.added());
    list(parts, "rules swapped", rules.swapped());
    list(parts, "rules removed", rules.removed());
    failed(parts, "rules failed", rules.failed());
    if (rules.unmanaged() != null) {
      parts.add("rules not reloaded: " + rules.unmanaged());
    }
    list(parts, "applied live", appliedLive);
    failed(parts, "settings not applied", settingsFailed);
    if (!needsRestart.isEmpty()) {
      parts.add("needs restart (running with the old values): " + String.join(", ", needsRestart));
    }
    return String.join("; ", parts);
  }

  private static void list(List<String> parts, String what, List<String> names) {
    if (!names.isEmpty()) {
      parts.add(what + ": " + String.join(", ", names));
    }
  }

  private static void failed(List<String> parts, String what, Map<String, String> failures) {
    if (!failures.isEmpty()) {
      List<String> each = new ArrayList<>();
      failures.forEach((name, why) -> each.add(name + " (" + why + ")"));
      parts.add(what + ": " + String.join(", ", each));
    }
  }
}
