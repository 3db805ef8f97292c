package io.edgerule.daemon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import java.util.Base64;
import java.util.Locale;

/** Writes events and values as {@link EventJsonl} lines: what the recorder and replays write. */
final class EventJsonlWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EventJsonlWriter() {}

  /** One event as a JSONL line (no newline), in the format {@link EventJsonl#parse} reads. */
  static String format(PointEvent e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("time", e.receiveTime().toString());
    o.put("point", e.point().toString());
    PointValue v = e.value();
    if (v != null) {
      putValue(o, v);
    }
    o.put("quality", e.quality().status().name().toLowerCase(Locale.ROOT));
    // Also for GOOD: an OPC UA Good sub-code (Good_LocalOverride) stays GOOD and keeps its name.
    if (!e.quality().reason().isEmpty()) {
      o.put("reason", e.quality().reason());
    }
    o.put("source_time", e.sourceTime().toString());
    o.put("seq", e.sequence());
    return escapeLoneSurrogates(o.toString());
  }

  /**
   * A Java string can hold a lone surrogate (half of a pair) that UTF-8 cannot encode: written raw,
   * the recorder's file writer failed on it and recorded nothing more until the end ("Input length
   * = 1"). Written as a JSON escape (backslash, 'u', four hex digits) it is ASCII, and the reader
   * decodes it back to the same char. Raw chars of a line are inside its JSON strings only.
   */
  static String escapeLoneSurrogates(String line) {
    StringBuilder b = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < line.length()
          && Character.isLowSurrogate(line.charAt(i + 1))) {
        if (b != null) {
          b.append(c).append(line.charAt(i + 1));
        }
        i++; // a pair is UTF-8 text
      } else if (Character.isSurrogate(c)) {
        if (b == null) {
          b = new StringBuilder(line.length() + 16).append(line, 0, i);
        }
        b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? line : b.toString();
  }

  /** Writes a value as "type" + "value" keys. */
  static void putValue(ObjectNode o, PointValue v) {
    if (v instanceof PointValue.Bool b) {
      o.put("type", "bool");
      o.put("value", b.value());
    } else if (v instanceof PointValue.Int64 l) {
      o.put("type", "int64");
      o.put("value", l.value());
    } else if (v instanceof PointValue.Float64 d) {
      o.put("type", "float64");
      if (Double.isFinite(d.value())) {
        o.put("value", d.value());
      } else {
        // JSON has no NaN/Infinity: "NaN", "Infinity", "-Infinity" (read back by parse).
        o.put("value", Double.toString(d.value()));
      }
    } else if (v instanceof PointValue.Text s) {
      o.put("type", "string");
      o.put("value", s.value());
    } else if (v instanceof PointValue.Bytes b) {
      o.put("type", "bytes");
      o.put("value", Base64.getEncoder().encodeToString(b.value()));
    }
  }
}
