package io.edgerule.daemon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.daemon.JsonErrors;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The JSONL event format shared by {@code edgerule rule record} (writes it) and {@code edgerule
 * rule test} (reads it): one JSON object per line, e.g.
 *
 * <pre>{@code
 * {"time":"2026-11-21T10:00:01Z","point":"tank/level","type":"float64","value":81.5,"quality":"good","source_time":"2026-11-21T10:00:01Z","seq":7}
 * }</pre>
 *
 * <p>Keys: {@code point} (required, {@code device/point}); {@code value} (required unless the
 * quality is not good); {@code type} ({@code bool, int64, float64, string, bytes}; inferred from
 * the JSON value when absent; bytes are base64; a float64 NaN or infinity is the string {@code
 * "NaN"}, {@code "Infinity"} or {@code "-Infinity"}); {@code quality} ({@code good} (default),
 * {@code uncertain}, {@code bad}); {@code reason} (required for uncertain/bad, kept for good when
 * present); {@code time} (when the gateway received it: drives the virtual clock; defaults to
 * {@code source_time}); {@code source_time} (the device's time; defaults to {@code time}); {@code
 * seq} (strictly increasing; defaults to the previous one + 1). Times are ISO-8601 instants or
 * integer epoch milliseconds. Unknown keys are errors (a typo must not silently change a test).
 */
final class EventJsonl {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads one line strictly: a second value after the object (two objects on a line, an extra
   * closing brace, a NUL byte) used to be ignored and a repeated key silently took the last value,
   * so a damaged line still ran as something else.
   */
  private static final ObjectReader LINE =
      JSON.reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  private static final Set<String> KEYS =
      Set.of("time", "point", "value", "type", "quality", "reason", "source_time", "seq");

  /** How a float64 NaN or infinity is written: as a string, only with {@code "type":"float64"}. */
  private static final Map<String, Double> NON_FINITE =
      Map.of(
          "NaN", Double.NaN,
          "Infinity", Double.POSITIVE_INFINITY,
          "-Infinity", Double.NEGATIVE_INFINITY);

  private EventJsonl() {}

  /** A line that could not be read: its 1-based number and what is wrong. */
  record LineError(int line, String message) {}

  /** Every event of a file, or every error in it (nothing is run if a line is bad). */
  /**
   * @param warnings lines that run, but not as written (a time earlier than the line before it)
   */
  record Parsed(List<PointEvent> events, List<LineError> errors, List<LineError> warnings) {}

  static Parsed parse(List<String> lines) {
    return parse(lines, Map.of());
  }

  /**
   * Parses a file's bytes: lines end with LF, CRLF or CR (as {@link
   * java.nio.file.Files#readAllLines}), and a line that is not UTF-8 is an error of that line
   * (reading the file as a whole failed with "Input length = 1" and no line number).
   */
  static Parsed parse(byte[] content) {
    List<String> lines = new ArrayList<>();
    Map<Integer, String> notText = new HashMap<>();
    int start = 0;
    for (int i = 0; i <= content.length; i++) {
      boolean end = i == content.length;
      if (!end && content[i] != '\n' && content[i] != '\r') {
        continue;
      }
      if (end && start == content.length) {
        break; // no empty line after the final line break
      }
      try {
        lines.add(
            StandardCharsets.UTF_8
                .newDecoder()
                .decode(ByteBuffer.wrap(content, start, i - start))
                .toString());
      } catch (CharacterCodingException e) {
        notText.put(lines.size(), "not UTF-8 text (" + badByte(content, start, i) + ")");
        lines.add("");
      }
      if (!end && content[i] == '\r' && i + 1 < content.length && content[i + 1] == '\n') {
        i++;
      }
      start = i + 1;
    }
    return parse(lines, notText);
  }

  /** Where the first invalid UTF-8 sequence of {@code content[from, to)} starts. */
  private static String badByte(byte[] content, int from, int to) {
    ByteBuffer in = ByteBuffer.wrap(content, from, to - from);
    CharBuffer out = CharBuffer.allocate(to - from);
    StandardCharsets.UTF_8.newDecoder().decode(in, out, true);
    return String.format(
        Locale.ROOT,
        "byte 0x%02X at column %d",
        in.hasRemaining() ? content[in.position()] & 0xff : 0,
        out.position() + 1);
  }

  private static Parsed parse(List<String> lines, Map<Integer, String> notText) {
    List<PointEvent> events = new ArrayList<>();
    List<LineError> errors = new ArrayList<>();
    List<LineError> warnings = new ArrayList<>();
    long lastSeq = 0;
    Instant lastTime = null;
    for (int i = 0; i < lines.size(); i++) {
      String bad = notText.get(i);
      if (bad != null) {
        errors.add(new LineError(i + 1, bad));
        continue;
      }
      String line = lines.get(i).strip();
      if (i == 0 && line.startsWith("\uFEFF")) {
        // A byte order mark (editors on Windows write one) is not part of the first event.
        line = line.substring(1).strip();
      }
      if (line.isEmpty()) {
        continue;
      }
      try {
        PointEvent e = parseLine(line, lastSeq);
        if (e.sequence() <= lastSeq && !events.isEmpty()) {
          throw new IllegalArgumentException(
              "seq " + e.sequence() + " is not greater than the previous event's " + lastSeq);
        }
        if (lastTime != null && e.receiveTime().isBefore(lastTime)) {
          // The gateway's wall clock stepped back while recording (an NTP correction): the
          // events are real and in order (seq says so), so they run, with the virtual clock
          // held where it was rather than going backwards.
          warnings.add(
              new LineError(
                  i + 1,
                  "time "
                      + e.receiveTime()
                      + " is before the previous event's "
                      + lastTime
                      + " (the recording's clock stepped back?); the virtual clock stays at "
                      + lastTime));
        } else {
          lastTime = e.receiveTime();
        }
        lastSeq = e.sequence();
        events.add(e);
      } catch (IllegalArgumentException e) {
        // Messages quote the input (a point name, a key): one line, shortened.
        errors.add(new LineError(i + 1, JsonErrors.oneLine(e.getMessage())));
      }
    }
    return new Parsed(events, errors, warnings);
  }

  private static PointEvent parseLine(String line, long lastSeq) {
    JsonNode node;
    try {
      node = LINE.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + JsonErrors.describe(e));
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object per line");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown key '" + key + "' (expected one of: " + String.join(", ", sorted()) + ")");
      }
    }
    JsonNode pointNode = node.get("point");
    if (pointNode == null || !pointNode.isTextual()) {
      throw new IllegalArgumentException("'point' is required: a string like \"tank/level\"");
    }
    PointId point = PointId.parse(pointNode.asText());
    Quality quality = quality(node);
    PointValue value = value(node, quality);
    Instant time = time(node, "time");
    Instant sourceTime = time(node, "source_time");
    if (time == null && sourceTime == null) {
      throw new IllegalArgumentException("needs 'time' or 'source_time'");
    }
    time = time == null ? sourceTime : time;
    sourceTime = sourceTime == null ? time : sourceTime;
    JsonNode seqNode = node.get("seq");
    if (seqNode == null && lastSeq == Long.MAX_VALUE) {
      // lastSeq + 1 would wrap around to the smallest long.
      throw new IllegalArgumentException(
          "needs a 'seq': the previous event's is the largest possible");
    }
    long seq = lastSeq + 1;
    if (seqNode != null) {
      if (!seqNode.canConvertToLong() || !seqNode.isIntegralNumber()) {
        throw new IllegalArgumentException(
            "'seq' must be an integer, not " + JsonErrors.shown(seqNode));
      }
      seq = seqNode.asLong();
    }
    return new PointEvent(point, value, quality, sourceTime, time, seq);
  }

  private static List<String> sorted() {
    return KEYS.stream().sorted().toList();
  }

  private static Quality quality(JsonNode node) {
    JsonNode q = node.get("quality");
    String reason = node.hasNonNull("reason") ? node.get("reason").asText() : "";
    if (q == null || q.isNull()) {
      return reason.isEmpty() ? Quality.GOOD : new Quality(Quality.Status.GOOD, reason);
    }
    if (!q.isTextual()) {
      throw new IllegalArgumentException(
          "'quality' must be good, uncertain or bad, not " + JsonErrors.shown(q));
    }
    // A GOOD event keeps its reason (an OPC UA Good sub-code): it was dropped, so the replay lost
    // what was recorded.
    return switch (q.asText().toLowerCase(Locale.ROOT)) {
      case "good" -> reason.isEmpty() ? Quality.GOOD : new Quality(Quality.Status.GOOD, reason);
      case "uncertain", "bad" -> {
        if (reason.isBlank()) {
          throw new IllegalArgumentException("quality " + q.asText() + " needs a 'reason'");
        }
        yield q.asText().equalsIgnoreCase("bad") ? Quality.bad(reason) : Quality.uncertain(reason);
      }
      default ->
          throw new IllegalArgumentException(
              "'quality' must be good, uncertain or bad, not " + JsonErrors.shown(q));
    };
  }

  private static PointValue value(JsonNode node, Quality quality) {
    JsonNode v = node.get("value");
    JsonNode t = node.get("type");
    if (v == null || v.isNull()) {
      if (quality.isGood()) {
        throw new IllegalArgumentException("a good event needs a 'value'");
      }
      return null;
    }
    String type = t == null ? inferType(v) : t.asText().toLowerCase(Locale.ROOT);
    return switch (type) {
      case "bool" -> {
        require(v.isBoolean(), "bool", v);
        yield PointValue.of(v.booleanValue());
      }
      case "int64" -> {
        require(v.isIntegralNumber() && v.canConvertToLong(), "int64", v);
        yield PointValue.of(v.longValue());
      }
      case "float64" -> {
        // A device can send NaN or an infinity (a float32 register's NaN passes through) and the
        // rule sees it live; JSON has no such numbers, so the recorder writes them as these three
        // strings, and a recording with one must replay, not be refused as a whole.
        if (v.isTextual() && NON_FINITE.containsKey(v.textValue())) {
          yield PointValue.of(NON_FINITE.get(v.textValue()));
        }
        require(v.isNumber(), "float64", v);
        // 1e999 is valid JSON but no float64: it would have run as Infinity.
        if (!Double.isFinite(v.doubleValue())) {
          throw new IllegalArgumentException("'value' is out of the float64 range");
        }
        yield PointValue.of(v.doubleValue());
      }
      case "string" -> {
        require(v.isTextual(), "string", v);
        yield PointValue.of(v.textValue());
      }
      case "bytes" -> {
        require(v.isTextual(), "bytes (base64)", v);
        try {
          yield PointValue.of(Base64.getDecoder().decode(v.textValue()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("'value' is not valid base64: " + e.getMessage());
        }
      }
      default ->
          throw new IllegalArgumentException(
              "'type' must be bool, int64, float64, string or bytes, not " + JsonErrors.shown(t));
    };
  }

  private static String inferType(JsonNode v) {
    if (v.isBoolean()) {
      return "bool";
    }
    if (v.isIntegralNumber()) {
      return "int64";
    }
    if (v.isNumber()) {
      return "float64";
    }
    if (v.isTextual()) {
      return "string";
    }
    throw new IllegalArgumentException(
        "'value' must be a boolean, number or string, not " + JsonErrors.shown(v));
  }

  private static void require(boolean ok, String type, JsonNode v) {
    if (!ok) {
      throw new IllegalArgumentException("'value' " + JsonErrors.shown(v) + " is not a " + type);
    }
  }

  private static Instant time(JsonNode node, String key) {
    JsonNode t = node.get(key);
    if (t == null || t.isNull()) {
      return null;
    }
    Instant instant;
    if (t.isIntegralNumber()) {
      // longValue() of a number beyond 64 bits silently wrapped around to another time.
      if (!t.canConvertToLong()) {
        throw new IllegalArgumentException(
            "'" + key + "' " + JsonErrors.shown(t) + " is out of range");
      }
      instant = Instant.ofEpochMilli(t.longValue());
    } else if (t.isTextual()) {
      try {
        instant = Instant.parse(t.textValue());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "'"
                + key
                + "' "
                + JsonErrors.shown(t)
                + " is not an ISO-8601 instant like 2026-11-21T10:00:00Z");
      }
    } else {
      throw new IllegalArgumentException(
          "'"
              + key
              + "' must be an ISO-8601 instant or epoch milliseconds, not "
              + JsonErrors.shown(t));
    }
    // The replay's virtual clock counts epoch milliseconds: a year like +1000000000 parses but
    // overflowed there with an ArithmeticException.
    try {
      instant.toEpochMilli();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "'" + key + "' " + JsonErrors.shown(t) + " is out of range");
    }
    return instant;
  }
}
