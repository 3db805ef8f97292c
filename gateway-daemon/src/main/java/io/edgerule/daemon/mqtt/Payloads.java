package io.edgerule.daemon.mqtt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteResult;
import java.time.Instant;
import java.util.Base64;

/** The JSON bodies the gateway publishes (documented in docs/reference/mqtt.md). */
public final class Payloads {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Payloads() {}

  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  public static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot happen for a tree", e);
    }
  }

  /** {@code {"value":21.5,"type":"float64","quality":"GOOD","source_time":...,"seq":17}} */
  public static byte[] telemetry(PointEvent e) {
    ObjectNode n = object();
    putValue(n, "value", e.value());
    if (e.value() != null) {
      n.put("type", e.value().type().name().toLowerCase(java.util.Locale.ROOT));
    }
    n.put("quality", e.quality().status().name());
    if (!e.quality().isGood()) {
      n.put("reason", e.quality().reason());
    }
    n.put("source_time", e.sourceTime().toString());
    n.put("receive_time", e.receiveTime().toString());
    n.put("seq", e.sequence());
    return bytes(n);
  }

  public static byte[] alarm(
      String rule, String alarm, boolean active, int severity, String message, Instant time) {
    ObjectNode n = object();
    n.put("rule", rule);
    n.put("alarm", alarm);
    n.put("active", active);
    if (active) {
      n.put("severity", severity);
      n.put("message", message);
    }
    n.put("time", time.toString());
    return bytes(n);
  }

  public static byte[] writeResult(WriteResult r, Instant time) {
    ObjectNode n = object();
    n.put("point", r.command().point().toString());
    putValue(n, "value", r.command().value());
    n.put("status", r.status().name());
    if (!r.detail().isEmpty()) {
      n.put("detail", r.detail());
    }
    n.put("origin", r.command().origin());
    n.put("time", time.toString());
    return bytes(n);
  }

  static void putValue(ObjectNode n, String field, PointValue v) {
    if (v == null) {
      n.putNull(field);
    } else if (v instanceof PointValue.Bool b) {
      n.put(field, b.value());
    } else if (v instanceof PointValue.Int64 i) {
      n.put(field, i.value());
    } else if (v instanceof PointValue.Float64 f) {
      if (Double.isFinite(f.value())) {
        n.put(field, f.value());
      } else {
        n.put(field, Double.toString(f.value())); // JSON has no NaN/Infinity
      }
    } else if (v instanceof PointValue.Text t) {
      n.put(field, t.value());
    } else if (v instanceof PointValue.Bytes b) {
      n.put(field, Base64.getEncoder().encodeToString(b.value()));
    }
  }
}
