package io.edgerule.daemon.config;

import java.io.StringReader;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Where each node of a YAML document starts, by path ({@code devices[0].points[2].type}). Jackson
 * reports a failed record constructor at the end of the object; this lets errors point at the start
 * of the offending node (or at its key) instead.
 */
final class YamlLocations {
  /** 1-based line and column. */
  record Position(int line, int column) {}

  private final Map<String, Position> values = new HashMap<>();
  private final Map<String, Position> keys = new HashMap<>();
  private final Map<String, Node> nodes = new HashMap<>();

  /**
   * Nodes already indexed. An alias is the same node object as its anchor, so walking every path to
   * it expanded "billion laughs" documents (each level aliasing the one before twice: 24 levels, 46
   * aliases, stand for 2^24 paths) until the heap ran out. Jackson reads an alias as a plain value,
   * so nothing below one is ever reported: each node is indexed once, at its first path.
   */
  private final Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());

  /** The scanner's or parser's error, if the text is not valid YAML. */
  private MarkedYAMLException syntaxError;

  private YamlLocations() {}

  /**
   * Indexes {@code text}; returns an empty index when the text does not compose, with its {@link
   * #syntaxError()} if that was a YAML syntax error.
   */
  static YamlLocations index(String text) {
    YamlLocations index = new YamlLocations();
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(true);
      Node root = new Yaml(options).compose(new StringReader(text));
      if (root != null) {
        index.walk("", root);
      }
    } catch (org.yaml.snakeyaml.scanner.ScannerException
        | org.yaml.snakeyaml.parser.ParserException e) {
      index.syntaxError = e;
    } catch (RuntimeException e) {
      // Not syntax (limits, aliases): the binding pass reports it with its own position.
    }
    return index;
  }

  /**
   * The YAML syntax error of the text, or null. The binding pass reads the text as a stream and can
   * fail on the part before a syntax error (a mapping cut short by a mis-indented key is an object
   * without that key), so the syntax error must be reported first.
   */
  MarkedYAMLException syntaxError() {
    return syntaxError;
  }

  private void walk(String path, Node node) {
    if (!seen.add(node)) {
      return;
    }
    values.putIfAbsent(path, position(node.getStartMark()));
    nodes.putIfAbsent(path, node);
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
          keys.putIfAbsent(child, position(key.getStartMark()));
          walk(child, tuple.getValueNode());
        }
      }
    } else if (node instanceof SequenceNode sequence) {
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) {
        walk(path + "[" + i + "]", items.get(i));
      }
    }
  }

  private static Position position(Mark mark) {
    return new Position(mark.getLine() + 1, mark.getColumn() + 1);
  }

  /** The start of the value at {@code path}, or of its nearest ancestor that exists. */
  Position value(String path) {
    String p = path;
    while (true) {
      Position found = values.get(p);
      if (found != null || p.isEmpty()) {
        return found;
      }
      p = parent(p);
    }
  }

  /**
   * The text of the scalar at exactly {@code path}; null if there is none; {@code NOT_SCALAR} if
   * the node there is a list or a mapping.
   */
  String scalar(String path) {
    Node n = nodes.get(path);
    if (n == null) {
      return null;
    }
    return n instanceof ScalarNode s ? s.getValue() : NOT_SCALAR;
  }

  /** What {@link #scalar} returns for a list or mapping. */
  static final String NOT_SCALAR = new String("(not a scalar)");

  /** The key of {@code path} if it is a mapping entry, else {@link #value}. */
  Position key(String path) {
    Position found = keys.get(path);
    return found != null ? found : value(path);
  }

  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? "" : path.substring(0, cut);
  }
}
