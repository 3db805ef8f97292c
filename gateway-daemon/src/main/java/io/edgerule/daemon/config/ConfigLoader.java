package io.edgerule.daemon.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.SizeText;
import io.edgerule.adapter.TextFile;
import io.edgerule.sandbox.RuleLimits;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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

  /**
   * The largest config accepted, in bytes (and characters): the YAML parser needs about a second
   * per megabyte and runs twice (binding and {@link YamlLocations}), so a runaway file must not
   * stall the start for minutes or fill the heap. A gateway with thousands of points stays far
   * below it.
   */
  static final int MAX_BYTES = 2 * 1024 * 1024;

  /** Single-quoted values longer than this are shortened in messages (a 2 MB id is no help). */
  static final Pattern LONG_QUOTED = Pattern.compile("'([^'\\n]{60})[^'\\n]{20,}'");

  /** Jackson's "Numeric value (9999999999) out of range of int (-2147483648 - 2147483647)". */
  private static final Pattern OUT_OF_RANGE =
      Pattern.compile("value \\((.*)\\) out of range of (\\w+) \\((-?\\d+) - (-?\\d+)\\)");

  private final YAMLMapper mapper;
  private final List<String> protocols;
  private final List<AdapterFactory<?>> factories;

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
    // Without this "batch_size: 1.5" silently became 1.
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    // "- " with nothing after it in any list, or "key:" with nothing in a map, is an error at
    // that entry (records would otherwise get null elements; List.copyOf throws a bare NPE).
    mapper.configOverride(List.class).setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
    mapper.configOverride(Map.class).setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
    SimpleModule module = new SimpleModule("edgerule-config");
    module.addDeserializer(Duration.class, new DurationDeserializer());
    module.addDeserializer(Path.class, new PathDeserializer());
    module.addDeserializer(ByteSize.class, new ByteSizeDeserializer());
    module.addDeserializer(RuleLimits.class, new RuleLimitsDeserializer());
    mapper.registerModule(module);
    mapper.addMixIn(DeviceConfig.class, DeviceConfigMixin.class);
    List<String> names = new ArrayList<>();
    for (AdapterFactory<?> factory : factories) {
      mapper.registerSubtypes(new NamedType(factory.configType(), factory.protocol()));
      names.add(factory.protocol());
    }
    this.protocols = List.copyOf(names);
    this.factories = List.copyOf(factories);
  }

  @JsonTypeInfo(
      use = JsonTypeInfo.Id.NAME,
      include = JsonTypeInfo.As.PROPERTY,
      property = "protocol")
  // The gateway's own keys in a device entry: read by DeviceTelemetry, unknown to the adapters.
  @com.fasterxml.jackson.annotation.JsonIgnoreProperties({"telemetry", "telemetry_window"})
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
        // The message is DurationText's own (not a duration / negative / too large): keep it.
        throw InvalidFormatException.from(p, e.getMessage(), text, Duration.class);
      }
    }
  }

  /** Sizes in the one grammar of {@link SizeText}; its message says what is wrong. */
  private static final class ByteSizeDeserializer extends JsonDeserializer<ByteSize> {
    @Override
    public ByteSize deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.currentToken().isScalarValue()) {
        return (ByteSize) ctxt.handleUnexpectedToken(ByteSize.class, p);
      }
      String text = p.getText(); // max_bytes: 4096 is a size too
      try {
        return new ByteSize(SizeText.parse(text));
      } catch (IllegalArgumentException e) {
        throw InvalidFormatException.from(p, e.getMessage(), text, ByteSize.class);
      }
    }
  }

  /**
   * Paths are file paths. Jackson's own deserializer read any text with a ':' as a URI and looked
   * for a file system provider: "c:/state" failed with 'Provider "c" not installed',
   * "jar:file:/x.zip!/a" with a FileSystemNotFoundException, and a NUL byte with an
   * InvalidPathException reported as "invalid YAML".
   */
  private static final class PathDeserializer extends JsonDeserializer<Path> {
    @Override
    public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.currentToken().isScalarValue()) {
        return (Path) ctxt.handleUnexpectedToken(Path.class, p);
      }
      String text = p.getText(); // state_dir: 2024 is a folder name too
      try {
        return Path.of(text);
      } catch (InvalidPathException e) {
        throw InvalidFormatException.from(
            p, "'" + text + "' is not a valid path: " + e.getReason(), text, Path.class);
      }
    }
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

  private static ConfigException tooLarge(Path file) {
    return new ConfigException(
        file,
        0,
        0,
        "the file is larger than " + MAX_BYTES / (1024 * 1024) + " MiB; is it a config?");
  }

  /** Parses config text; {@code file} names it in errors and anchors relative paths. */
  public GatewayConfig parse(String text, Path file) throws ConfigException {
    if (text.length() > MAX_BYTES) {
      throw tooLarge(file);
    }
    checkCharacters(text, file);
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
      throw translate(e, where, file, parser);
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

  /**
   * YAML forbids control characters other than tab and line breaks (and unpaired surrogates). The
   * YAML reader rejects them as "special characters are not allowed" at line 1, column 1 wherever
   * they are; this names the character and its real line and column.
   */
  private static void checkCharacters(String text, Path file) throws ConfigException {
    int line = 1;
    int column = 1;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      if (!isYamlPrintable(c)) {
        throw new ConfigException(
            file,
            line,
            column,
            String.format(
                Locale.ROOT,
                "character U+%04X is not allowed in YAML (control characters must be written as"
                    + " escapes inside double quotes, e.g. \"\\t\")",
                c));
      }
      boolean lineBreak =
          c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'));
      if (lineBreak) {
        line++;
        column = 1;
      } else {
        column++;
      }
      i += Character.charCount(c);
    }
  }

  /** SnakeYAML's StreamReader.isPrintable. */
  private static boolean isYamlPrintable(int c) {
    return (c >= 0x20 && c <= 0x7E)
        || c == 0x9
        || c == 0xA
        || c == 0xD
        || c == 0x85
        || (c >= 0xA0 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD)
        || (c >= 0x10000 && c <= 0x10FFFF);
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
        throw at(file, where.value(path), path + ": " + e.getMessage());
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

  static ConfigException at(Path file, YamlLocations.Position pos, String problem) {
    return pos == null
        ? new ConfigException(file, 0, 0, problem)
        : new ConfigException(file, pos.line(), pos.column(), problem);
  }

  private ConfigException translate(
      JacksonException e, YamlLocations where, Path file, JsonParser parser) {
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
      problem = constructorProblem(cause);
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
    } else if (e instanceof InvalidNullException) {
      // A '-' or 'key:' with nothing after it inside a list or map. Lists and maps are set to
      // reject null entries (see the constructor): adapters' records copied them with List.copyOf
      // and failed with a bare NullPointerException.
      pos = where.value(path);
      problem =
          path.endsWith("]")
              ? "empty entry (a '-' with nothing after it)"
              : "empty value (a key with nothing after it)";
    } else if (e instanceof MismatchedInputException m) {
      pos = where.value(path);
      problem = describeMismatch(m);
    } else if (yamlError(e) instanceof org.yaml.snakeyaml.error.MarkedYAMLException y) {
      return YamlSyntaxErrors.of(y, null, file, location(e.getLocation()));
    } else if (e instanceof StreamConstraintsException) {
      pos = location(parser == null ? null : parser.currentLocation());
      problem = "invalid YAML: " + simplify(firstLine(e.getOriginalMessage()));
      path = "";
    } else if (e instanceof JsonMappingException) {
      // A value the binding rejected (a number too large for its field, a duplicate key, ...):
      // not a YAML syntax error. A parse error inside a value knows its own place; the path
      // only names the enclosing node.
      pos = parseErrorLocation(e);
      if (pos == null) {
        pos = where.value(path);
      }
      problem = describeOther(e);
    } else {
      pos = location(e.getLocation());
      if (pos == null) {
        pos = where.value(path);
      }
      String message = firstLine(e.getOriginalMessage());
      problem =
          message.startsWith("Expected a field name")
              ? "a key must be plain text, not a list or a mapping"
              : "invalid YAML: " + simplify(message);
    }
    if (pos == null) {
      pos = location(e.getLocation());
    }
    if (pos == null && parser != null) {
      // Some exceptions (limits, wrapped ones) carry no location; the parser knows where it is.
      pos = location(parser.currentLocation());
    }
    problem = oneLine(LONG_QUOTED.matcher(problem).replaceAll("'$1...'"));
    if (problem.length() > 500) {
      // Still long (a value with quotes in it): keep the start (what) and the end (the choices).
      problem = problem.substring(0, 250) + " ... " + problem.substring(problem.length() - 200);
    }
    // A mutated key can be megabytes long: the path names it, shortened.
    String shownPath = path.length() > 120 ? path.substring(0, 120) + "..." : path;
    String prefix = path.isEmpty() ? "" : shownPath + ": ";
    ConfigException out =
        pos == null
            ? new ConfigException(file, 0, 0, prefix + problem, e)
            : new ConfigException(file, pos.line(), pos.column(), prefix + problem, e);
    return out;
  }

  /**
   * What a record constructor threw. Records validate with messages for people; a bare
   * NullPointerException (Objects.requireNonNull without a message, or a JVM "Cannot invoke ...
   * because ... is null") only means that something required was left out.
   */
  private static String constructorProblem(Throwable cause) {
    String message = cause.getMessage();
    if (cause instanceof NullPointerException
        && (message == null || message.startsWith("Cannot ") || message.contains("\" is null"))) {
      return "a required value is missing";
    }
    if (message == null || message.isBlank()) {
      return "invalid settings (" + cause.getClass().getSimpleName().replace("Exception", "") + ")";
    }
    return message;
  }

  /**
   * Control characters from the input (SnakeYAML's "but found: \"\n\"", a value quoted in a
   * record's message) are escaped: the message stays one line, as the CLI prints it.
   */
  static String oneLine(String problem) {
    StringBuilder b = new StringBuilder(problem.length());
    for (int i = 0; i < problem.length(); i++) {
      char c = problem.charAt(i);
      if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static YamlLocations.Position parseErrorLocation(JacksonException e) {
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof StreamReadException r && location(r.getLocation()) != null) {
        return location(r.getLocation());
      }
    }
    return null;
  }

  private static YamlLocations.Position location(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 1
        ? null
        : new YamlLocations.Position(loc.getLineNr(), Math.max(1, loc.getColumnNr()));
  }

  /** The SnakeYAML error behind a Jackson YAML exception, if any. */
  private static Throwable yamlError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.yaml.snakeyaml.error.YAMLException) {
        return t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static String describeOther(JacksonException e) {
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof InputCoercionException c) {
        Matcher m = OUT_OF_RANGE.matcher(firstLine(c.getOriginalMessage()));
        if (m.find()) {
          return "'" + m.group(1) + "' is out of range (" + m.group(3) + ".." + m.group(4) + ")";
        }
        return simplify(firstLine(c.getOriginalMessage()));
      }
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String message =
        cause instanceof JacksonException j ? j.getOriginalMessage() : cause.getMessage();
    return message == null || message.isBlank()
        ? "invalid value (" + cause.getClass().getSimpleName().replace("Exception", "") + ")"
        : simplify(firstLine(message));
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
    if (target == Duration.class || target == Path.class || target == ByteSize.class) {
      // DurationDeserializer's, PathDeserializer's or ByteSizeDeserializer's own message.
      return f.getOriginalMessage();
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
    if (message.startsWith("No content to map")) {
      // Only comments (or "---"): not "expected a mapping" at the end of the file.
      return "the file has no content; it needs at least a 'gateway:' section";
    }
    if (message.startsWith("Trailing token")) {
      return "only one YAML document is allowed (remove the second '---' and what follows)";
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
    if (List.class.isAssignableFrom(type) || type.isArray()) {
      return "list";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "mapping (key: value entries)";
    }
    if (type == Duration.class) {
      return "duration (e.g. 250ms, 2s, 5m)";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
              .collect(Collectors.joining(", "));
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
    return message
        // Jackson's limits name their setting: "(1000, from `StreamReadConstraints.get...()`)".
        .replaceAll(", from `[^`]*`", "")
        .replaceAll("`?(?:[a-z]+\\.)+([A-Z][A-Za-z0-9$]*)`?", "$1");
  }
}
