package io.edgerule.ota.device;

import java.util.List;
import java.util.Map;

/**
 * What a deploy changed: rules added, replaced (hot-swapped) and removed; {@code failed}: rules of
 * the config that could not be loaded (only when deploying the config's rules, which loads what it
 * can, as a start does), with the reason.
 */
public record DeployResult(
    List<String> added, List<String> replaced, List<String> removed, Map<String, String> failed) {
  public DeployResult {
    added = List.copyOf(added);
    replaced = List.copyOf(replaced);
    removed = List.copyOf(removed);
    failed = Map.copyOf(failed);
  }
}
