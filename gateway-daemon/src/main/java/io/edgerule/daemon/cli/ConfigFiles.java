package io.edgerule.daemon.cli;

import io.edgerule.daemon.config.ConfigException;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.config.GatewayConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/** Loading the config for a command: every command reports an invalid file the same way. */
final class ConfigFiles {
  private ConfigFiles() {}

  /**
   * The config in {@code file} with the installed adapters, or empty after printing {@code
   * edgerule: invalid config: FILE:LINE:COL: problem} to {@code err} (the command then exits with
   * {@link ExitCodes#CONFIG}).
   */
  static Optional<GatewayConfig> load(Path file, PrintWriter err) {
    try {
      return Optional.of(new ConfigLoader(Factories.installed()).load(file));
    } catch (ConfigException e) {
      err.println("edgerule: invalid config: " + e.getMessage());
      return Optional.empty();
    }
  }
}
