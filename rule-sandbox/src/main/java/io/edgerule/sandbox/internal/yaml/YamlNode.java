package io.edgerule.sandbox.internal.yaml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a small tree whose every node remembers where it started, so that a
 * configuration error can name its line and column.
 */
public sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Sequence, YamlNode.Mapping {

  /** 1-based position of a node in its source. */
  record Position(int line, int column) {}

  Position at();

  /** A short name of the node's kind for messages ("a list", "a mapping", "a value"). */
  String kind();

  /** A scalar; {@code text} is null for an explicit or implicit YAML null. */
  record Scalar(String text, Position at) implements YamlNode {
    @Override
    public String kind() {
      return text == null ? "nothing" : "a value";
    }
  }

  record Sequence(List<YamlNode> items, Position at) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String kind() {
      return "a list";
    }
  }

  /** A mapping with string keys in source order; {@code keys} holds each key's own position. */
  record Mapping(Map<String, YamlNode> entries, Map<String, Position> keys, Position at)
      implements YamlNode {
    public Mapping {
      entries = new LinkedHashMap<>(entries);
      keys = new LinkedHashMap<>(keys);
    }

    @Override
    public String kind() {
      return "a mapping";
    }
  }
}
