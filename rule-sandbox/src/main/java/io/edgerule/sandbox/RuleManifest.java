package io.edgerule.sandbox;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointPattern;
import io.edgerule.adapter.TextFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a rule may see and do, and the limits it asks for: the YAML file that ships beside every
 * rule module (see docs/reference/rule-abi.md, "Manifest"). Immutable and thread-safe.
 *
 * <pre>
 * name: overtemp
 * module: overtemp.wasm          # optional, relative to this file
 * inputs: [tank/temperature]     # point patterns the rule subscribes to (+ and # wildcards)
 * writable_points: []            # point patterns the rule may write
 * topics: []                     # relative MQTT topic patterns it may publish to
 * alarms: [overtemp]             # alarm name patterns it may raise and clear
 * limits: {deadline: 20ms}       # any RuleLimits field; the rest get RuleLimits.defaults()
 * </pre>
 */
public final class RuleManifest {
  /** The ABI versions this sandbox runs. */
  public static final int ABI_VERSION = 1;

  /**
   * Largest manifest: bytes of a file {@link #load} reads, characters of text {@link #parse} parses
   * (256 KiB; real manifests are under a kilobyte, and YAML parsing of megabytes takes seconds).
   */
  public static final int MAX_SIZE = 256 * 1024;

  private final String sourceName;
  private final String name;
  private final String description;
  private final Path module;
  private final List<PointPattern> inputs;
  private final List<PointPattern> writablePoints;
  private final List<PointPattern> topics;
  private final List<PointPattern> alarms;
  private final Duration tickPeriod;
  private final RuleLimits limits;
  // Routing asks subscribes() for every event: remember the answer per point (points are few).
  private final Map<PointId, Boolean> subscribed = new ConcurrentHashMap<>();

  RuleManifest(
      String sourceName,
      String name,
      String description,
      Path module,
      List<PointPattern> inputs,
      List<PointPattern> writablePoints,
      List<PointPattern> topics,
      List<PointPattern> alarms,
      Duration tickPeriod,
      RuleLimits limits) {
    this.sourceName = Objects.requireNonNull(sourceName, "sourceName");
    this.name = Objects.requireNonNull(name, "name");
    this.description = Objects.requireNonNull(description, "description");
    this.module = module;
    this.inputs = List.copyOf(inputs);
    this.writablePoints = List.copyOf(writablePoints);
    this.topics = List.copyOf(topics);
    this.alarms = List.copyOf(alarms);
    this.tickPeriod = tickPeriod;
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Parses a manifest.
   *
   * @param sourceName names the text in error messages (usually its path)
   * @throws ManifestException with line:column and what is wrong
   */
  public static RuleManifest parse(String yamlText, String sourceName) {
    return ManifestBinder.bind(yamlText, sourceName, null);
  }

  /**
   * Reads and parses a manifest file; a relative {@code module} is resolved against the file's
   * directory.
   *
   * @throws ManifestException also when the file cannot be read (line and column 0)
   */
  public static RuleManifest load(Path file) {
    String text;
    try {
      text = TextFile.read(file, MAX_SIZE, "a manifest is a few lines of YAML");
    } catch (TextFile.Unreadable e) {
      throw new ManifestException(file.toString(), e.line(), e.column(), e.problem());
    }
    Path dir = file.toAbsolutePath().getParent();
    return ManifestBinder.bind(text, file.toString(), dir);
  }

  /** Where the manifest came from (for messages). */
  public String sourceName() {
    return sourceName;
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  /** The rule module this manifest names, if it names one. */
  public Optional<Path> module() {
    return Optional.ofNullable(module);
  }

  /** Point patterns the rule subscribes to. */
  public List<PointPattern> inputs() {
    return inputs;
  }

  /** True if an event of this point is for this rule. Cached per point: cheap per event. */
  public boolean subscribes(PointId point) {
    Boolean known = subscribed.get(point);
    if (known == null) {
      known = anyMatches(inputs, point.toString());
      subscribed.put(point, known);
    }
    return known;
  }

  /** Point patterns the rule may write. */
  public List<PointPattern> writablePoints() {
    return writablePoints;
  }

  public boolean mayWrite(PointId point) {
    return anyMatches(writablePoints, point.toString());
  }

  /** Patterns over relative MQTT topics the rule may publish to. */
  public List<PointPattern> topics() {
    return topics;
  }

  public boolean mayPublish(String relativeTopic) {
    return anyMatches(topics, relativeTopic);
  }

  /** Patterns over alarm names the rule may raise and clear. */
  public List<PointPattern> alarms() {
    return alarms;
  }

  public boolean mayRaise(String alarm) {
    return anyMatches(alarms, alarm);
  }

  /** How often the daemon should call {@link RuleEngine#tick}; empty if the rule has no tick. */
  public Optional<Duration> tickPeriod() {
    return Optional.ofNullable(tickPeriod);
  }

  /** The limits the manifest asks for (defaults where it is silent), before the host's caps. */
  public RuleLimits limits() {
    return limits;
  }

  private static boolean anyMatches(List<PointPattern> patterns, String name) {
    for (PointPattern p : patterns) {
      if (p.matches(name)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "RuleManifest[" + name + " from " + sourceName + "]";
  }
}
