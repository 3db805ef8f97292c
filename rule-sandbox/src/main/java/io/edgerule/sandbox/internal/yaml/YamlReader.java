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
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return null;
      }
      YamlNode root = readValue(parser);
      JsonToken extra = parser.nextToken();
      if (extra != null) {
        throw new YamlException(
            "only one YAML document expected", position(parser.currentTokenLocation()));
      }
      return root;
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      int newline = message.indexOf('\n');
      throw new YamlException(
          "YAML syntax: " + (newline > 0 ? message.substring(0, newline) : message),
          position(e.getLocation()));
    } catch (IOException e) {
      throw new YamlException("cannot read YAML: " + e.getMessage(), new Position(0, 0));
    }
  }

  private static YamlNode readValue(JsonParser parser) throws IOException, YamlException {
    Position at = position(parser.currentTokenLocation());
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT:
        {
          Map<String, YamlNode> entries = new LinkedHashMap<>();
          Map<String, Position> keys = new LinkedHashMap<>();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            Position keyAt = position(parser.currentTokenLocation());
            if (entries.containsKey(key)) {
              throw new YamlException("duplicate key '" + key + "'", keyAt);
            }
            parser.nextToken();
            entries.put(key, readValue(parser));
            keys.put(key, keyAt);
          }
          return new Mapping(entries, keys, at);
        }
      case START_ARRAY:
        {
          List<YamlNode> items = new ArrayList<>();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(readValue(parser));
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
