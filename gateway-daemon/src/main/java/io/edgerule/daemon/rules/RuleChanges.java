package io.edgerule.daemon.rules;

import java.util.List;
import java.util.Map;

/**
 * What a config reload did to the rules, by name.
 *
 * @param failed rules that could not be loaded or swapped, with the reason (a rule that failed to
 *     swap keeps running its old version)
 * @param unmanaged why the config's rules were not looked at (an OTA image's rules run), or null
 */
public record RuleChanges(
    List<String> added,
    List<String> swapped,
    List<String> removed,
    Map<String, String> failed,
    String unmanaged) {
  public static final RuleChanges NONE =
      new RuleChanges(List.of(), List.of(), List.of(), Map.of(), null);

  public RuleChanges {
    added = List.copyOf(added);
    swapped = List.copyOf(swapped);
    removed = List.copyOf(removed);
    failed = Map.copyOf(failed);
  }

  /** The config's rules were left alone: {@code why}. */
  public static RuleChanges unmanaged(String why) {
    return new RuleChanges(List.of(), List.of(), List.of(), Map.of(), why);
  }

  /** Whether a running rule was added, swapped or removed. */
  public boolean changedAny() {
    return !added.isEmpty() || !swapped.isEmpty() || !removed.isEmpty();
  }
}
