package io.edgerule.ota.trust.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One JSON object of a signed document, read strictly and addressed by its path for errors ({@code
 * image.json: rules[1].module.sha256: ...}). Strict because these documents are signed: a repeated
 * key (parsers disagree on which one wins), an unknown key (a typo or a field a later version means
 * something by), trailing content or text that is not UTF-8 is refused, never guessed at.
 */
public final class Doc {
  private static final ObjectReader READER =
      new ObjectMapper()
          .reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  /** A document that is not what its schema says: where, and what is wrong. */
  public static final class Invalid extends Exception {
    private final String where;
    private final String problem;

    public Invalid(String where, String problem) {
      super(where + ": " + problem);
      this.where = where;
      this.problem = problem;
    }

    public String where() {
      return where;
    }

    public String problem() {
      return problem;
    }
  }

  private final ObjectNode node;
  private final String path;

  private Doc(ObjectNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** Parses UTF-8 JSON text that must be one object. */
  public static Doc parse(byte[] utf8, String name) throws Invalid {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8));
    } catch (CharacterCodingException e) {
      throw new Invalid(name, "is not UTF-8 text");
    }
    JsonNode root;
    try {
      root = READER.readTree(utf8);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String at =
          loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
      throw new Invalid(name, "is not valid JSON" + at + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Invalid(name, "cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new Invalid(name, "must be a JSON object");
    }
    return new Doc((ObjectNode) root, name + ":");
  }

  public String path() {
    return path;
  }

  /** Refuses keys outside {@code allowed}, naming the first unknown one and the allowed ones. */
  public Doc only(Set<String> allowed) throws Invalid {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new Invalid(
            at(k), "unknown key (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
      }
    }
    return this;
  }

  public boolean has(String key) {
    return node.has(key) && !node.get(key).isNull();
  }

  private JsonNode required(String key) throws Invalid {
    if (!has(key)) {
      throw new Invalid(at(key), "is missing");
    }
    return node.get(key);
  }

  public String text(String key) throws Invalid {
    JsonNode v = required(key);
    if (!v.isTextual()) {
      throw new Invalid(at(key), "must be a string");
    }
    return v.textValue();
  }

  public Optional<String> optionalText(String key) throws Invalid {
    return has(key) ? Optional.of(text(key)) : Optional.empty();
  }

  /** A whole number in {@code [min, max]}. */
  public long integer(String key, long min, long max) throws Invalid {
    JsonNode v = required(key);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new Invalid(at(key), "must be a whole number");
    }
    long n = v.longValue();
    if (n < min || n > max) {
      throw new Invalid(at(key), n + " is out of range " + min + ".." + max);
    }
    return n;
  }

  /** A number (whole or decimal) in {@code [min, max]}. */
  public double number(String key, double min, double max) throws Invalid {
    JsonNode v = required(key);
    if (!v.isNumber()) {
      throw new Invalid(at(key), "must be a number");
    }
    double n = v.doubleValue();
    if (!(n >= min && n <= max)) {
      throw new Invalid(at(key), v.asText() + " is out of range " + min + ".." + max);
    }
    return n;
  }

  /** A boolean ({@code true} or {@code false}). */
  public boolean bool(String key) throws Invalid {
    JsonNode v = required(key);
    if (!v.isBoolean()) {
      throw new Invalid(at(key), "must be true or false");
    }
    return v.booleanValue();
  }

  /** Whether the key is present with an explicit {@code null}. */
  public boolean isNull(String key) {
    return node.has(key) && node.get(key).isNull();
  }

  /** An ISO-8601 instant in UTC ({@code 2026-12-07T10:00:00Z}). */
  public Instant instant(String key) throws Invalid {
    String s = text(key);
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new Invalid(
          at(key), "'" + s + "' is not an ISO-8601 instant like 2026-12-07T10:00:00Z");
    }
  }

  /** Standard base64 (RFC 4648, with padding). */
  public byte[] base64(String key) throws Invalid {
    String s = text(key);
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new Invalid(at(key), "is not base64: " + e.getMessage());
    }
  }

  public Doc object(String key) throws Invalid {
    JsonNode v = required(key);
    if (!v.isObject()) {
      throw new Invalid(at(key), "must be an object");
    }
    return new Doc((ObjectNode) v, at(key));
  }

  public Optional<Doc> optionalObject(String key) throws Invalid {
    return has(key) ? Optional.of(object(key)) : Optional.empty();
  }

  /** An array of objects, at most {@code max} long. */
  public List<Doc> objects(String key, int max) throws Invalid {
    JsonNode v = required(key);
    if (!v.isArray()) {
      throw new Invalid(at(key), "must be an array");
    }
    if (v.size() > max) {
      throw new Invalid(at(key), "has " + v.size() + " entries; at most " + max + " are allowed");
    }
    List<Doc> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      String where = at(key) + "[" + i + "]";
      if (!e.isObject()) {
        throw new Invalid(where, "must be an object");
      }
      out.add(new Doc((ObjectNode) e, where));
    }
    return out;
  }

  /** An array of strings, at most {@code max} long. */
  public List<String> texts(String key, int max) throws Invalid {
    JsonNode v = required(key);
    if (!v.isArray()) {
      throw new Invalid(at(key), "must be an array");
    }
    if (v.size() > max) {
      throw new Invalid(at(key), "has " + v.size() + " entries; at most " + max + " are allowed");
    }
    List<String> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        throw new Invalid(at(key) + "[" + i + "]", "must be a string");
      }
      out.add(v.get(i).textValue());
    }
    return out;
  }

  /** The path of a key of this object, for messages. */
  public String at(String key) {
    return path + (path.endsWith(":") ? " " : ".") + key;
  }
}
