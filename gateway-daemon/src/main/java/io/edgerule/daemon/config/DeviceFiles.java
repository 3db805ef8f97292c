package io.edgerule.daemon.config;

import io.edgerule.adapter.DeviceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For {@code edgerule check}: the files devices read when they run (certificates, keys, password
 * files) exist and can be used, each problem a config error at the line of its setting. {@code run}
 * does not refuse them: the adapter reads its files at every connection attempt and reports a
 * problem there (the device stays BAD with the reason) while the other devices run.
 */
public final class DeviceFiles {
  /** "identity.certificate: file ... does not exist": the setting's path, then the problem. */
  private static final Pattern SETTING =
      Pattern.compile("([a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)*): (.+)", Pattern.DOTALL);

  private DeviceFiles() {}

  /**
   * @param config the config loaded from {@code file}
   * @return one error per problem, in device order; empty when every file can be used
   */
  public static List<ConfigException> problems(GatewayConfig config, Path file) {
    List<ConfigException> out = new ArrayList<>();
    YamlLocations where = null;
    for (int i = 0; i < config.devices().size(); i++) {
      DeviceConfig device = config.devices().get(i);
      String at = "devices[" + i + "]";
      for (String problem : device.fileProblems()) {
        if (where == null) {
          where = index(file);
        }
        Matcher m = SETTING.matcher(problem);
        String path = m.matches() ? at + "." + m.group(1) : at;
        String message = m.matches() ? at + "." + problem : at + ": " + problem;
        // The value of the setting, or of its nearest enclosing node that is in the file.
        YamlLocations.Position pos = where.value(path);
        out.add(
            pos == null
                ? new ConfigException(file, 0, 0, message)
                : new ConfigException(file, pos.line(), pos.column(), message));
      }
    }
    return out;
  }

  private static YamlLocations index(Path file) {
    try {
      return YamlLocations.index(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return YamlLocations.index("");
    }
  }
}
