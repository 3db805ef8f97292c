package io.edgerule.ota.device;

import java.util.Map;
import java.util.Set;

/**
 * Cumulative counters of a set of loaded rules, for the trial's health gate (differences between
 * two samples are what counts).
 *
 * @param calls batches and ticks run
 * @param traps calls that trapped (or broke the ABI)
 * @param deadlineMisses calls stopped at their deadline
 * @param failures every failed call (traps, deadline misses, limits, denied actions, resources)
 * @param quarantined rules quarantined now
 * @param missing rules asked for that are not loaded
 */
public record RuleHealth(
    long calls,
    long traps,
    long deadlineMisses,
    long failures,
    Set<String> quarantined,
    Set<String> missing,
    Map<String, String> lastErrors) {
  public RuleHealth {
    quarantined = Set.copyOf(quarantined);
    missing = Set.copyOf(missing);
    lastErrors = Map.copyOf(lastErrors);
  }
}
