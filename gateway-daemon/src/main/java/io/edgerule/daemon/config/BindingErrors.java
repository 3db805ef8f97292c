package io.edgerule.daemon.config;

import static io.edgerule.daemon.config.ProblemText.firstLine;
import static io.edgerule.daemon.config.ProblemText.simplify;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the YAML binding threw, put in words at the offending node: the path to it ({@code
 * devices[0].points[1].type}), its line and column from {@link YamlLocations}, and what is wrong,
 * without Jackson's class names.
 */
final class BindingErrors {
  private static final Pattern FIELD_PREFIX =
      Pattern.compile(
          "((?:[a-z][a-z0-9_]*|\\[\\d+\\])(?:\\.[a-z][a-z0-9_]*|\\[\\d+\\])*): (.+)",
          Pattern.DOTALL);

  /** Jackson's "Numeric value (9999999999) out of range of int (-2147483648 - 2147483647)". */
  private static final Pattern OUT_OF_RANGE =
      Pattern.compile("value \\((.*)\\) out of range of (\\w+) \\((-?\\d+) - (-?\\d+)\\)");

  private final List<String> protocols;

  /** Errors for a binding that knows these device protocols (named when one is unknown). */
  BindingErrors(List<String> protocols) {
    this.protocols = List.copyOf(protocols);
  }

  /**
   * @param parser the parser that was reading, or null: where an exception has no location
   */
  ConfigException translate(JacksonException e, YamlLocations where, Path file, JsonParser parser) {
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
      // reject null entries (see ConfigMapper): adapters' records copied them with List.copyOf
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
    problem = ProblemText.readable(problem);
    if (problem.length() > 500) {
      // Still long (a value with quotes in it): keep the start (what) and the end (the choices).
      problem = problem.substring(0, 250) + " ... " + problem.substring(problem.length() - 200);
    }
    // A mutated key can be megabytes long: the path names it, shortened.
    String shownPath = path.length() > 120 ? path.substring(0, 120) + "..." : path;
    String prefix = path.isEmpty() ? "" : shownPath + ": ";
    return ConfigException.at(file, pos, prefix + problem, e);
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
      return "'" + value + "' is not one of " + choices(target);
    }
    if (target == Duration.class || target == Path.class || target == ByteSize.class) {
      // The message of ScalarDeserializers' parsers, as it is.
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
      return "one of " + choices(type);
    }
    if (type.isRecord() || type.isInterface()) {
      return "mapping (key: value entries)";
    }
    return type.getSimpleName();
  }

  /** An enum's constants as the config writes them. */
  private static String choices(Class<?> enumType) {
    return Arrays.stream(enumType.getEnumConstants())
        .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
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
}
