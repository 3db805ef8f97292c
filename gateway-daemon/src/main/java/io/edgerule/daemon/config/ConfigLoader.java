package io.edgerule.daemon.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.TextFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the gateway's YAML config into {@link GatewayConfig}. Every error names the file, the line
 * and column of the offending node, the path to it and what is wrong, e.g. {@code
 * gateway.yaml:14:15: devices[0].points[1].type: 'float33' is not one of bool, bit, int16, ...}.
 *
 * <p>The steps: the text's size and characters ({@link YamlCharacters}), its syntax ({@link
 * YamlLocations}, {@link YamlSyntaxErrors}), the strict binding ({@link ConfigMapper}, errors put
 * in words by {@link BindingErrors}), then relative paths resolved, per-device telemetry read
 * ({@link DeviceTelemetry}) and the checks across entries ({@link DeviceChecks}).
 */
public final class ConfigLoader {
  /**
   * The largest config accepted, in bytes (and characters): the YAML parser needs about a second
   * per megabyte and runs twice (binding and {@link YamlLocations}), so a runaway file must not
   * stall the start for minutes or fill the heap. A gateway with thousands of points stays far
   * below it.
   */
  static final int MAX_BYTES = 2 * 1024 * 1024;

  private final YAMLMapper mapper;
  private final BindingErrors errors;
  private final List<AdapterFactory<?>> factories;

  /** A loader that knows the device protocols of the given adapter factories. */
  public ConfigLoader(List<AdapterFactory<?>> factories) {
    this.mapper = ConfigMapper.create(factories);
    this.errors = new BindingErrors(factories.stream().map(AdapterFactory::protocol).toList());
    this.factories = List.copyOf(factories);
  }

  /** Loads and validates {@code file}; relative paths in it are resolved against its folder. */
  public GatewayConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = TextFile.read(file, MAX_BYTES, "is it a config?");
    } catch (TextFile.Unreadable e) {
      throw new ConfigException(file, e.line(), e.column(), e.problem());
    }
    return parse(text, file);
  }

  /** Parses config text; {@code file} names it in errors and anchors relative paths. */
  public GatewayConfig parse(String text, Path file) throws ConfigException {
    if (text.length() > MAX_BYTES) {
      throw new ConfigException(
          file,
          0,
          0,
          "the file is larger than " + MAX_BYTES / (1024 * 1024) + " MiB; is it a config?");
    }
    YamlCharacters.check(text, file);
    YamlLocations where = YamlLocations.index(text);
    if (text.isBlank()) {
      throw new ConfigException(
          file, 0, 0, "the file is empty; it needs at least a 'gateway:' section");
    }
    if (where.syntaxError() != null) {
      throw YamlSyntaxErrors.of(where.syntaxError(), text, file, null);
    }
    GatewayConfig raw;
    JsonParser parser = null;
    try {
      parser = mapper.createParser(text);
      raw = mapper.readValue(parser, GatewayConfig.class);
    } catch (JacksonException e) {
      throw errors.translate(e, where, file, parser);
    } catch (IOException e) {
      throw new ConfigException(file, 0, 0, "cannot parse: " + e.getMessage(), e);
    }
    if (raw == null) {
      throw new ConfigException(file, 0, 0, "the file has no content");
    }
    GatewayConfig config = resolvePaths(raw, file.toAbsolutePath().getParent(), where, file);
    config = withDeviceTelemetry(config, where, file);
    DeviceChecks.unique(config, where, file);
    DeviceChecks.together(factories, config, where, file);
    return config;
  }

  private static GatewayConfig resolvePaths(
      GatewayConfig c, Path dir, YamlLocations where, Path file) throws ConfigException {
    List<RuleConfig> rules = c.rules().stream().map(r -> r.resolveAgainst(dir)).toList();
    GatewaySection gateway =
        new GatewaySection(c.gateway().id(), dir.resolve(c.gateway().stateDir()));
    List<DeviceConfig> devices = new ArrayList<>();
    for (int i = 0; i < c.devices().size(); i++) {
      // Adapters implement resolvePaths; whatever one throws must still come out as a config
      // error at the device rather than escape the loader.
      try {
        devices.add(c.devices().get(i).resolvePaths(dir));
      } catch (RuntimeException e) {
        String path = "devices[" + i + "]";
        throw ConfigException.at(file, where.value(path), path + ": " + e.getMessage());
      }
    }
    return new GatewayConfig(
        gateway,
        devices,
        rules,
        c.mqtt() == null ? null : c.mqtt().resolveAgainst(dir),
        c.pipeline(),
        c.ruleLimits(),
        c.outbox().resolveAgainst(dir),
        c.http(),
        c.ota().resolveAgainst(dir),
        c.deviceTelemetry());
  }

  private static GatewayConfig withDeviceTelemetry(GatewayConfig c, YamlLocations where, Path file)
      throws ConfigException {
    var overrides = DeviceTelemetry.read(c.devices(), c.mqtt(), where, file);
    return overrides.isEmpty()
        ? c
        : new GatewayConfig(
            c.gateway(),
            c.devices(),
            c.rules(),
            c.mqtt(),
            c.pipeline(),
            c.ruleLimits(),
            c.outbox(),
            c.http(),
            c.ota(),
            overrides);
  }
}
