package io.edgerule.sandbox;

import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.PointPattern;
import io.edgerule.sandbox.internal.yaml.Quote;
import io.edgerule.sandbox.internal.yaml.YamlNode;
import io.edgerule.sandbox.internal.yaml.YamlNode.Mapping;
import io.edgerule.sandbox.internal.yaml.YamlNode.Position;
import io.edgerule.sandbox.internal.yaml.YamlNode.Scalar;
import io.edgerule.sandbox.internal.yaml.YamlNode.Sequence;
import io.edgerule.sandbox.internal.yaml.YamlReader;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Binds a manifest's YAML tree to a {@link RuleManifest}, reporting errors at their position. */
final class ManifestBinder {
  private static final Set<String> TOP_KEYS =
      Set.of(
          "name",
          "description",
          "abi",
          "module",
          "inputs",
          "writable_points",
          "topics",
          "alarms",
          "tick",
          "limits");
  private static final Set<String> LIMIT_KEYS =
      RuleLimit.all().stream().map(RuleLimit::key).collect(Collectors.toUnmodifiableSet());

  /** Rule names appear in MQTT topics and file names: one plain segment. */
  private static final Pattern RULE_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

  private static final Duration MIN_TICK = Duration.ofMillis(10);

  private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");

  private final String source;

  private ManifestBinder(String source) {
    this.source = source;
  }

  static RuleManifest bind(String yamlText, String sourceName, Path baseDir) {
    return new ManifestBinder(sourceName).bind(yamlText, baseDir);
  }

  private RuleManifest bind(String yamlText, Path baseDir) {
    if (yamlText.length() > RuleManifest.MAX_SIZE) {
      // Refused before parsing: YAML parsing of megabytes costs seconds. Reported where the
      // limit is crossed.
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < RuleManifest.MAX_SIZE; i++) {
        if (yamlText.charAt(i) == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw new ManifestException(
          source,
          line,
          RuleManifest.MAX_SIZE - lineStart + 1,
          "the manifest is longer than "
              + RuleManifest.MAX_SIZE
              + " characters; a manifest is a few lines of YAML");
    }
    YamlNode root;
    try {
      root = YamlReader.read(yamlText);
    } catch (YamlReader.YamlException e) {
      throw new ManifestException(source, e.at().line(), e.at().column(), e.getMessage());
    }
    if (root == null) {
      throw new ManifestException(source, 0, 0, "the manifest is empty; it needs at least a name");
    }
    Mapping top = mapping(root, "manifest");
    checkKeys(top, TOP_KEYS, "");

    String name = requiredText(top, "name");
    if (!RULE_NAME.matcher(name).matches()) {
      throw error(
          top.entries().get("name"),
          "name: invalid rule name "
              + Quote.of(name)
              + ": 1 to 64 letters, digits, '_', '.' or '-' (it is used in MQTT topics)");
    }
    String description = optionalText(top, "description", "");

    YamlNode abi = top.entries().get("abi");
    if (abi != null) {
      int version = integer(abi, "abi", 1, Integer.MAX_VALUE);
      if (version != RuleManifest.ABI_VERSION) {
        throw error(
            abi,
            "abi: this gateway runs rules of ABI version "
                + RuleManifest.ABI_VERSION
                + ", not "
                + version);
      }
    }

    Path module = null;
    YamlNode moduleNode = top.entries().get("module");
    if (moduleNode != null) {
      String text = text(moduleNode, "module");
      try {
        module = baseDir == null ? Path.of(text) : baseDir.resolve(text).normalize();
      } catch (InvalidPathException e) {
        throw error(moduleNode, "module: invalid path " + Quote.of(text) + ": " + e.getReason());
      }
    }

    List<PointPattern> inputs = patterns(top, "inputs");
    List<PointPattern> writable = patterns(top, "writable_points");
    List<PointPattern> topics = patterns(top, "topics", ManifestBinder::topicPattern);
    List<PointPattern> alarms = patterns(top, "alarms", ManifestBinder::topicPattern);

    Duration tick = null;
    YamlNode tickNode = top.entries().get("tick");
    if (tickNode != null) {
      tick = duration(tickNode, "tick");
      if (tick.compareTo(MIN_TICK) < 0) {
        throw error(tickNode, "tick: must be at least 10ms, not " + DurationText.format(tick));
      }
    }

    RuleLimits limits = limits(top.entries().get("limits"));
    return new RuleManifest(
        source, name, description, module, inputs, writable, topics, alarms, tick, limits);
  }

  private RuleLimits limits(YamlNode node) {
    RuleLimits d = RuleLimits.defaults();
    if (node == null || node instanceof Scalar s && s.text() == null) {
      return d;
    }
    Mapping m = mapping(node, "limits");
    checkKeys(m, LIMIT_KEYS, "limits.");
    RuleLimits limits = d;
    for (RuleLimit<?> limit : RuleLimit.all()) {
      YamlNode value = m.entries().get(limit.key());
      if (value != null) {
        limits = with(limits, limit, value);
      }
    }
    return limits;
  }

  private <T extends Comparable<? super T>> RuleLimits with(
      RuleLimits limits, RuleLimit<T> limit, YamlNode node) {
    String path = "limits." + limit.key();
    Object value =
        limit.type() == Duration.class
            ? duration(node, path)
            : integer(node, path, (Integer) limit.min(), (Integer) limit.max());
    T typed = limit.type().cast(value);
    String problem = limit.problem(typed);
    if (problem != null) {
      throw error(node, path + ": " + problem);
    }
    return limits.with(limit, typed);
  }

  // ---- typed accessors that report where the problem is ----

  private void checkKeys(Mapping m, Set<String> allowed, String prefix) {
    for (var entry : m.keys().entrySet()) {
      if (!allowed.contains(entry.getKey())) {
        Position at = entry.getValue();
        throw new ManifestException(
            source,
            at.line(),
            at.column(),
            "unknown key "
                + Quote.of(prefix + entry.getKey())
                + " (expected one of: "
                + String.join(", ", allowed.stream().sorted().toList())
                + ")");
      }
    }
  }

  private Mapping mapping(YamlNode node, String what) {
    if (node instanceof Mapping m) {
      return m;
    }
    throw error(node, what + ": expected a mapping of keys, found " + node.kind());
  }

  private String requiredText(Mapping m, String key) {
    YamlNode node = m.entries().get(key);
    if (node == null) {
      throw error(m, "missing required key '" + key + "'");
    }
    return text(node, key);
  }

  private String optionalText(Mapping m, String key, String dflt) {
    YamlNode node = m.entries().get(key);
    return node == null ? dflt : text(node, key);
  }

  private String text(YamlNode node, String path) {
    if (node instanceof Scalar s && s.text() != null && !s.text().isBlank()) {
      return s.text().trim();
    }
    throw error(node, path + ": expected a value, found " + node.kind());
  }

  private int integer(YamlNode node, String path, int min, int max) {
    String text = text(node, path);
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      if (WHOLE_NUMBER.matcher(text).matches()) {
        // A whole number, only too long for a long: say the range, not "expected a number".
        throw error(
            node,
            path
                + ": "
                + RuleLimit.rangeProblem(min, max, !text.startsWith("-"))
                + ", not "
                + Quote.of(text));
      }
      throw error(node, path + ": expected a whole number, found " + Quote.of(text));
    }
    if (value < min || value > max) {
      throw error(
          node, path + ": " + RuleLimit.rangeProblem(min, max, value > max) + ", not " + value);
    }
    return (int) value;
  }

  /** Any duration of the common grammar (a bare 0 too); the caller checks its own range. */
  private Duration duration(YamlNode node, String path) {
    String text = text(node, path);
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(node, path + ": " + e.getMessage());
    }
  }

  private List<PointPattern> patterns(Mapping m, String key) {
    return patterns(m, key, PointPattern::parse);
  }

  /**
   * A topic or alarm pattern (both become MQTT topic levels): a point pattern without "." or ".."
   * segments. The topic is sent as written ("rules/pump/../../cmd/write"), but MQTT tools and
   * bridges that normalise paths would see another topic than the one granted.
   */
  private static PointPattern topicPattern(String text) {
    for (String segment : text.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "'" + text + "' has a '" + segment + "' segment; MQTT topic levels may not be . or ..");
      }
    }
    return PointPattern.parse(text);
  }

  private List<PointPattern> patterns(Mapping m, String key, Function<String, PointPattern> parse) {
    YamlNode node = m.entries().get(key);
    if (node == null || node instanceof Scalar s && s.text() == null) {
      return List.of();
    }
    List<YamlNode> items;
    if (node instanceof Sequence seq) {
      items = seq.items();
    } else if (node instanceof Scalar) {
      items = List.of(node); // a single pattern may be written without brackets
    } else {
      throw error(node, key + ": expected a list of patterns, found " + node.kind());
    }
    return list(items, key, parse);
  }

  private <T> List<T> list(List<YamlNode> items, String key, Function<String, T> parse) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String path = key + "[" + i + "]";
      YamlNode item = items.get(i);
      String text = text(item, path);
      try {
        out.add(parse.apply(text));
      } catch (IllegalArgumentException e) {
        // The parser quotes the whole value; a hostile one can be 500,000 characters long.
        throw error(
            item,
            path + ": " + String.valueOf(e.getMessage()).replace("'" + text + "'", Quote.of(text)));
      }
    }
    return out;
  }

  private ManifestException error(YamlNode node, String problem) {
    return new ManifestException(source, node.at().line(), node.at().column(), problem);
  }
}
