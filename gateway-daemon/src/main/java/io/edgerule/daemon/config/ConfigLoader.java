package io.edgerule.daemon.config;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.DeviceConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the gateway's YAML config into {@link GatewayConfig}. Every error names the file, the line
 * and column of the offending node, the path to it and what is wrong, e.g. {@code
 * gateway.yaml:14:15: devices[0].points[1].type: 'float33' is not one of bool, bit, int16, ...}.
 */
public final class ConfigLoader {
  private static final Pattern FIELD_PREFIX =
      Pattern.compile(
          "((?:[a-z][a-z0-9_]*|\\[\\d+\\])(?:\\.[a-z][a-z0-9_]*|\\[\\d+\\])*): (.+)",
          Pattern.DOTALL);
  private final YAMLMapper mapper;
  private final List<String> protocols;

  /** A loader that knows the device protocols of the given adapter factories. */
  public ConfigLoader(List<AdapterFactory<?>> factories) {
    this.mapper = new YAMLMapper();
    mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    mapper.enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS);
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    mapper.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    mapper.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
    SimpleModule module = new SimpleModule("edgerule-config");
    module.addDeserializer(Duration.class, new DurationDeserializer());
    mapper.registerModule(module);
    mapper.addMixIn(DeviceConfig.class, DeviceConfigMixin.class);
    List<String> names = new ArrayList<>();
    for (AdapterFactory<?> factory : factories) {
      mapper.registerSubtypes(new NamedType(factory.configType(), factory.protocol()));
      names.add(factory.protocol());
    }
    this.protocols = List.copyOf(names);
  }

  @JsonTypeInfo(
      use = JsonTypeInfo.Id.NAME,
      include = JsonTypeInfo.As.PROPERTY,
      property = "protocol")
  private abstract static class DeviceConfigMixin {}

  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      if (text == null) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      try {
        return DurationText.parse(text);
      } catch (IllegalArgumentException e) {
        throw ctxt.weirdStringException(text, Duration.class, e.getMessage());
      }
    }
  }

  /** Loads and validates {@code file}; relative paths in it are resolved against its folder. */
  public GatewayConfig load(Path file) throws ConfigException {
    String text;
    try {
      byte[] bytes = Files.readAllBytes(file);
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (NoSuchFileException e) {
      throw new ConfigException(file, 0, 0, "no such file");
    } catch (CharacterCodingException e) {
      throw new ConfigException(file, 0, 0, "not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException(file, 0, 0, "cannot read: " + e);
    }
    return parse(text, file);
  }

  /** Parses config text; {@code file} names it in errors and anchors relative paths. */
  public GatewayConfig parse(String text, Path file) throws ConfigException {
    YamlLocations where = YamlLocations.index(text);
    if (text.isBlank()) {
      throw new ConfigException(
          file, 0, 0, "the file is empty; it needs at least a 'gateway:' section");
    }
    GatewayConfig raw;
    try {
      raw = mapper.readValue(text, GatewayConfig.class);
    } catch (JacksonException e) {
      throw translate(e, where, file);
    }
    if (raw == null) {
      throw new ConfigException(file, 0, 0, "the file has no content");
    }
    GatewayConfig config = resolvePaths(raw, file.toAbsolutePath().getParent());
    checkUnique(config, where, file);
    return config;
  }

  private static GatewayConfig resolvePaths(GatewayConfig c, Path dir) {
    List<RuleConfig> rules = c.rules().stream().map(r -> r.resolveAgainst(dir)).toList();
    GatewaySection gateway =
        new GatewaySection(c.gateway().id(), dir.resolve(c.gateway().stateDir()));
    List<DeviceConfig> devices = c.devices().stream().map(d -> d.resolvePaths(dir)).toList();
    return new GatewayConfig(gateway, devices, rules, c.mqtt(), c.pipeline(), c.ruleLimits());
  }

  private static void checkUnique(GatewayConfig config, YamlLocations where, Path file)
      throws ConfigException {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < config.devices().size(); i++) {
      Integer first = seen.putIfAbsent(config.devices().get(i).name(), i);
      if (first != null) {
        throw at(
            file,
            where.value("devices[" + i + "].name"),
            "devices["
                + i
                + "].name: device '"
                + config.devices().get(i).name()
                + "' is already defined at devices["
                + first
                + "]");
      }
    }
    seen.clear();
    for (int i = 0; i < config.rules().size(); i++) {
      Integer first = seen.putIfAbsent(config.rules().get(i).name(), i);
      if (first != null) {
        throw at(
            file,
            where.value("rules[" + i + "].name"),
            "rules["
                + i
                + "].name: rule '"
                + config.rules().get(i).name()
                + "' is already defined at rules["
                + first
                + "]");
      }
    }
  }

  private static ConfigException at(Path file, YamlLocations.Position pos, String problem) {
    return pos == null
        ? new ConfigException(file, 0, 0, problem)
        : new ConfigException(file, pos.line(), pos.column(), problem);
  }

  private ConfigException translate(JacksonException e, YamlLocations where, Path file) {
    String path = e instanceof JsonMappingException m ? pathOf(m.getPath()) : "";
    YamlLocations.Position pos;
    String problem;
    if (e instanceof UnrecognizedPropertyException u) {
      pos = where.key(path);
      String known =
          u.getKnownPropertyIds() == null
              ? ""
              : u.getKnownPropertyIds().stream()
                  .map(String::valueOf)
                  .filter(k -> !k.equals("protocol"))
                  .sorted()
                  .collect(Collectors.joining(", "));
      problem =
          "unknown key '"
              + u.getPropertyName()
              + "'"
              + (known.isEmpty() ? "" : "; expected one of: " + known);
    } else if (e instanceof InvalidTypeIdException t) {
      pos = where.value(path);
      problem =
          t.getTypeId() == null
              ? "a device needs 'protocol:', one of: " + String.join(", ", protocols)
              : "unknown protocol '"
                  + t.getTypeId()
                  + "'; supported: "
                  + String.join(", ", protocols);
    } else if (e instanceof InvalidFormatException f) {
      pos = where.value(path);
      problem = describeInvalidValue(f);
    } else if (e instanceof ValueInstantiationException v) {
      Throwable cause = v.getCause() != null ? v.getCause() : v;
      problem = cause.getMessage() == null ? cause.toString() : cause.getMessage();
      // A record that names the offending field first ("port: must be ...", "points[2]: ...") is
      // located at that field rather than at the start of the record.
      Matcher field = FIELD_PREFIX.matcher(problem);
      if (field.matches()) {
        String sub = field.group(1);
        String full = path.isEmpty() ? sub : sub.startsWith("[") ? path + sub : path + "." + sub;
        pos = where.key(full);
        path = full;
        problem = field.group(2);
      } else {
        pos = where.value(path);
      }
    } else if (e instanceof MismatchedInputException m) {
      pos = where.value(path);
      problem = describeMismatch(m);
    } else {
      JsonLocation loc = e.getLocation();
      pos =
          loc == null || loc.getLineNr() < 1
              ? where.value(path)
              : new YamlLocations.Position(loc.getLineNr(), loc.getColumnNr());
      problem = "invalid YAML: " + firstLine(e.getOriginalMessage());
    }
    if (pos == null) {
      JsonLocation loc = e.getLocation();
      if (loc != null && loc.getLineNr() > 0) {
        pos = new YamlLocations.Position(loc.getLineNr(), loc.getColumnNr());
      }
    }
    String prefix = path.isEmpty() ? "" : path + ": ";
    ConfigException out =
        pos == null
            ? new ConfigException(file, 0, 0, prefix + problem, e)
            : new ConfigException(file, pos.line(), pos.column(), prefix + problem, e);
    return out;
  }

  private static String describeInvalidValue(InvalidFormatException f) {
    Class<?> target = f.getTargetType();
    String value = String.valueOf(f.getValue());
    if (target != null && target.isEnum()) {
      String choices =
          Arrays.stream(target.getEnumConstants())
              .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
              .collect(Collectors.joining(", "));
      return "'" + value + "' is not one of " + choices;
    }
    if (target == Duration.class) {
      return "'" + value + "' is not a duration: write e.g. 250ms, 2s, 5m, 1h or 1d";
    }
    return "'" + value + "' is not a valid " + friendly(target);
  }

  private static String describeMismatch(MismatchedInputException m) {
    Class<?> target = m.getTargetType();
    String message = firstLine(m.getOriginalMessage());
    if (message.contains("Missing required creator property")
        || message.contains("Null value for creator property")) {
      return "a required value is missing";
    }
    if (target != null) {
      return "expected " + friendly(target) + " here";
    }
    return simplify(message);
  }

  private static String friendly(Class<?> type) {
    if (type == null) {
      return "value";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "whole number";
    }
    if (type == Double.class || type == double.class || type == Float.class) {
      return "number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "boolean (true or false)";
    }
    if (type == String.class) {
      return "text";
    }
    if (List.class.isAssignableFrom(type)) {
      return "list";
    }
    if (type.isRecord() || type.isInterface()) {
      return "mapping (key: value entries)";
    }
    return type.getSimpleName();
  }

  private static String pathOf(List<JsonMappingException.Reference> refs) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      } else if (r.getFieldName() != null) {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(r.getFieldName());
      }
    }
    return b.toString();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** Strips Java class names out of library messages. */
  private static String simplify(String message) {
    return message.replaceAll("`?(?:[a-z]+\\.)+([A-Z][A-Za-z0-9$]*)`?", "$1");
  }
}
