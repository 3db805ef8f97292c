package io.edgerule.daemon.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One rule to load: its WebAssembly module and its manifest. Relative paths are resolved against
 * the config file's folder. A rule that fails to load is reported and skipped; the others run.
 *
 * @param manifest defaults to the wasm path with {@code .yaml} instead of {@code .wasm}
 */
public record RuleConfig(String name, Path wasm, Path manifest, Boolean enabled) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

  public RuleConfig {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name: must be 1-64 letters, digits, '_', '.' or '-', got "
              + (name == null ? "nothing" : "'" + name + "'"));
    }
    Objects.requireNonNull(wasm, "wasm: the path of the rule's .wasm module is required");
    if (manifest == null) {
      String file = wasm.getFileName().toString();
      String base = file.endsWith(".wasm") ? file.substring(0, file.length() - 5) : file;
      manifest = wasm.resolveSibling(base + ".yaml");
    }
    enabled = enabled == null || enabled;
  }

  RuleConfig resolveAgainst(Path dir) {
    return new RuleConfig(name, dir.resolve(wasm), dir.resolve(manifest), enabled);
  }
}
