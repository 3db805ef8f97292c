package io.edgerule.sandbox.internal.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.edgerule.sandbox.internal.yaml.YamlNode.Mapping;
import io.edgerule.sandbox.internal.yaml.YamlNode.Position;
import io.edgerule.sandbox.internal.yaml.YamlNode.Scalar;
import io.edgerule.sandbox.internal.yaml.YamlNode.Sequence;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads one YAML document into a {@link YamlNode} tree (Jackson's streaming YAML parser). */
public final class YamlReader {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  /** Deepest nesting of lists and mappings a document may have. */
  public static final int MAX_DEPTH = 64;

  /** A YAML syntax error or a document that is not a tree of plain values. */
  public static final class YamlException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Position at;

    YamlException(String message, Position at) {
      super(message);
      this.at = at;
    }

    /** Where the problem is; line 0 when the parser knows no position. */
    public Position at() {
      return at;
    }
  }

  private YamlReader() {}

  /** Parses {@code text}; an empty document yields null. */
  public static YamlNode read(String text) throws YamlException {
    JsonParser parser;
    try {
      parser = FACTORY.createParser(text);
    } catch (IOException e) {
      throw new YamlException("cannot read YAML: " + e.getMessage(), new Position(0, 0));
    }
    try (parser) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return null;
      }
      YamlNode root = readValue(parser, 1);
      JsonToken extra = parser.nextToken();
      if (extra != null) {
        throw new YamlException(
            "only one YAML document expected", position(parser.currentTokenLocation()));
      }
      return root;
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      if (message == null || message.isBlank()) {
        message = e.getClass().getSimpleName();
      }
      int newline = message.indexOf('\n');
      // Some errors carry no location (Jackson's stream constraints): the parser's own position
      // is where it stopped, so the message still says where.
      Position at = position(e.getLocation());
      if (at.line() == 0) {
        at = position(parser.currentLocation());
      }
      throw new YamlException(
          "YAML syntax: "
              + Quote.abbreviate(newline > 0 ? message.substring(0, newline) : message, 200),
          at);
    } catch (IOException e) {
      throw new YamlException("cannot read YAML: " + e.getMessage(), new Position(0, 0));
    } catch (RuntimeException e) {
      // Jackson wraps SnakeYAML's errors; anything else out of the parser is still a document
      // it could not read, reported where it stopped rather than escaping as a crash.
      throw new YamlException(
          "YAML syntax: "
              + Quote.abbreviate(e.getClass().getSimpleName() + ": " + e.getMessage(), 200),
          position(parser.currentLocation()));
    }
  }

  private static YamlNode readValue(JsonParser parser, int depth)
      throws IOException, YamlException {
    Position at = position(parser.currentTokenLocation());
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw new YamlException("the YAML document ends too early", at);
    }
    if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && depth > MAX_DEPTH) {
      // A manifest is a few levels deep; refuse deep nesting here, with its position, before it
      // costs recursion (a rule thread's stack may be small) or reaches Jackson's own limit.
      throw new YamlException("nested more than " + MAX_DEPTH + " levels deep", at);
    }
    switch (token) {
      case START_OBJECT:
        {
          Map<String, YamlNode> entries = new LinkedHashMap<>();
          Map<String, Position> keys = new LinkedHashMap<>();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            Position keyAt = position(parser.currentTokenLocation());
            if (entries.containsKey(key)) {
              throw new YamlException("duplicate key " + Quote.of(key), keyAt);
            }
            parser.nextToken();
            entries.put(key, readValue(parser, depth + 1));
            keys.put(key, keyAt);
          }
          return new Mapping(entries, keys, at);
        }
      case START_ARRAY:
        {
          List<YamlNode> items = new ArrayList<>();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(readValue(parser, depth + 1));
          }
          return new Sequence(items, at);
        }
      case VALUE_NULL:
        return new Scalar(null, at);
      case VALUE_STRING:
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new Scalar(parser.getText(), at);
      default:
        throw new YamlException("unexpected YAML content (" + token + ")", at);
    }
  }

  private static Position position(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return new Position(0, 0);
    }
    return new Position(location.getLineNr(), Math.max(1, location.getColumnNr()));
  }
}
