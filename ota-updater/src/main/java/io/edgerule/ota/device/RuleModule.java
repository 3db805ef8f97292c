package io.edgerule.ota.device;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One rule of an image: its name, WebAssembly module and manifest (YAML, the exact bytes that were
 * signed). Arrays are not copied: treat them as read-only.
 */
public record RuleModule(String rule, byte[] wasm, byte[] manifest) {
  // A rule name is also a file name in the slot folder: no separators, no dot-names.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,63}");

  public RuleModule {
    Objects.requireNonNull(wasm, "wasm");
    Objects.requireNonNull(manifest, "manifest");
    if (rule == null || !NAME.matcher(rule).matches()) {
      throw new IllegalArgumentException(
          "rule name must be 1-64 letters, digits, '_', '.' or '-' not starting with '.' or '-', got "
              + (rule == null ? "nothing" : "'" + rule + "'"));
    }
  }
}
