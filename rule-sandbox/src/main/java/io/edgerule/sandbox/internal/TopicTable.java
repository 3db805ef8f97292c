package io.edgerule.sandbox.internal;

import io.edgerule.sandbox.RuleManifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Ids for the relative MQTT topics a rule publishes to, resolved in er_init. */
public final class TopicTable {
  /**
   * Topic segments as for point names: no wildcards, no empty segments, no leading '/' (and no "."
   * or ".." segments, see {@link #hasDotSegment}).
   */
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_.:\\-]+(/[A-Za-z0-9_.:\\-]+)*");

  private final RuleManifest manifest;
  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> names = new ArrayList<>();

  public TopicTable(RuleManifest manifest) {
    this.manifest = manifest;
  }

  /** {@code gw.topic_id}. */
  public int resolve(String topic) {
    if (!TOPIC.matcher(topic).matches() || hasDotSegment(topic)) {
      return Abi.ERR_INVALID;
    }
    if (!manifest.mayPublish(topic)) {
      return Abi.ERR_DENIED;
    }
    return ids.computeIfAbsent(
        topic,
        t -> {
          names.add(t);
          return names.size() - 1;
        });
  }

  /**
   * A "." or ".." segment: a pattern's wildcard could grant "rules/r/../../cmd/write", which tools
   * that normalise paths read as another topic.
   */
  static boolean hasDotSegment(String topic) {
    for (String segment : topic.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /** The topic for an id, or null. */
  public String name(int id) {
    return id >= 0 && id < names.size() ? names.get(id) : null;
  }
}
