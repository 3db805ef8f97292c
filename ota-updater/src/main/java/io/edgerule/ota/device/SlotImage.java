package io.edgerule.ota.device;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The content of an image slot: what the daemon deploys. {@code extras} are further files the image
 * carries verbatim (for example its signed manifest and self-test vectors), by name.
 */
public record SlotImage(ImageId id, List<RuleModule> modules, Map<String, byte[]> extras) {
  public SlotImage {
    Objects.requireNonNull(id, "id");
    modules = List.copyOf(modules);
    extras = Map.copyOf(extras);
    if (modules.stream().map(RuleModule::rule).distinct().count() != modules.size()) {
      throw new IllegalArgumentException("image " + id + " names a rule twice");
    }
  }

  /** The rule names, in image order. */
  public List<String> rules() {
    return modules.stream().map(RuleModule::rule).toList();
  }
}
