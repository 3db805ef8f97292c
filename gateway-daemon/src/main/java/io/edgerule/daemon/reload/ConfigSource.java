package io.edgerule.daemon.reload;

import io.edgerule.daemon.config.ConfigException;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.config.GatewayConfig;
import java.nio.file.Path;

/** Where a reload reads the config from: for {@code edgerule run}, its {@code --config} file. */
@FunctionalInterface
public interface ConfigSource {
  /**
   * @throws ConfigException what is wrong, where ({@code file:line:col: problem})
   */
  GatewayConfig load() throws ConfigException;

  /** The config in {@code file}, read with {@code loader} at every reload. */
  static ConfigSource file(Path file, ConfigLoader loader) {
    return () -> loader.load(file);
  }
}
