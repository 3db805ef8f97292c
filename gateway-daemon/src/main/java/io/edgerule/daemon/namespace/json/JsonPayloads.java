package io.edgerule.daemon.namespace.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.JsonErrors;
import io.edgerule.daemon.namespace.AlarmChange;
import io.edgerule.daemon.namespace.CommandResult;
import io.edgerule.daemon.namespace.GatewayState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The JSON bodies of the JSON namespace (documented in docs/reference/mqtt.md), written with
 * Jackson's streaming generator: no tree is built per message (telemetry is the gateway's hottest
 * path), and the bytes are those the tree-built payloads had.
 */
final class JsonPayloads {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();
  private static final String[] TYPE_NAMES = typeNames();

  private JsonPayloads() {}

  /** What writes the body of one message into a generator. */
  @FunctionalInterface
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  static byte[] encode(int sizeHint, Body body) {
    ByteArrayBuilder out = new ByteArrayBuilder(sizeHint);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen writing to memory", e);
    }
    return out.toByteArray();
  }

  /** {@code {"value":21.5,"type":"float64","quality":"GOOD","source_time":...,"seq":17}} */
  static byte[] telemetry(PointEvent e) {
    byte[] direct = TelemetryBytes.encode(e); // the common case, without a generator
    return direct != null ? direct : telemetryWithJackson(e);
  }

  /** {@link #telemetry} for every event (TelemetryBytes writes the same bytes for most). */
  static byte[] telemetryWithJackson(PointEvent e) {
    return encode(
        192,
        g -> {
          char[] time = new char[IsoInstant.MAX_CHARS];
          g.writeStartObject();
          eventFields(g, e, time);
          g.writeEndObject();
        });
  }

  /** {@code {"device":"tank","points":[{"point":"level",<telemetry fields>},...]}} */
  static byte[] telemetryBatch(String device, List<PointEvent> events) {
    return TelemetryBatchBytes.encode(device, events);
  }

  /** {@link #telemetryBatch} written by Jackson (TelemetryBatchBytesTest compares the two). */
  static byte[] telemetryBatchWithJackson(String device, List<PointEvent> events) {
    return encode(
        64 + 200 * events.size(),
        g -> {
          char[] time = new char[IsoInstant.MAX_CHARS];
          g.writeStartObject();
          g.writeStringField("device", device);
          g.writeArrayFieldStart("points");
          for (PointEvent e : events) {
            g.writeStartObject();
            g.writeStringField("point", e.point().point());
            eventFields(g, e, time);
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static void eventFields(JsonGenerator g, PointEvent e, char[] time) throws IOException {
    value(g, "value", e.value());
    if (e.value() != null) {
      g.writeStringField("type", TYPE_NAMES[e.value().type().ordinal()]);
    }
    g.writeStringField("quality", e.quality().status().name());
    if (!e.quality().isGood()) {
      g.writeStringField("reason", e.quality().reason());
    }
    time(g, "source_time", e.sourceTime(), time);
    time(g, "receive_time", e.receiveTime(), time);
    g.writeNumberField("seq", e.sequence());
  }

  static byte[] alarm(AlarmChange c) {
    return encode(
        160,
        g -> {
          g.writeStartObject();
          g.writeStringField("rule", c.rule());
          g.writeStringField("alarm", c.alarm());
          g.writeBooleanField("active", c.active());
          if (c.active()) {
            g.writeNumberField("severity", c.severity());
            g.writeStringField("message", c.message());
          }
          g.writeStringField("time", c.time().toString());
          g.writeEndObject();
        });
  }

  static byte[] writeResult(WriteResult r, Instant time) {
    return encode(
        160,
        g -> {
          g.writeStartObject();
          g.writeStringField("point", r.command().point().toString());
          value(g, "value", r.command().value());
          g.writeStringField("status", r.status().name());
          if (!r.detail().isEmpty()) {
            g.writeStringField("detail", r.detail());
          }
          g.writeStringField("origin", r.command().origin());
          g.writeStringField("time", time.toString());
          g.writeEndObject();
        });
  }

  static byte[] commandResult(CommandResult r) {
    return encode(
        r.state() == null ? 128 : 2048,
        g -> {
          g.writeStartObject();
          if (r.id() != null && r.id().value() instanceof JsonNode id) {
            g.writeFieldName("id");
            JSON.writeTree(g, id);
          }
          g.writeStringField("command", r.command());
          g.writeStringField("status", r.status());
          if (!r.detail().isEmpty()) {
            g.writeStringField("detail", JsonErrors.oneLine(r.detail())); // may quote a megabyte
          }
          if (r.state() != null) {
            g.writeFieldName("state");
            JsonStateWriter.write(g, r.state());
          }
          g.writeEndObject();
        });
  }

  /** {@code {"status":"online"}} or with a reason. */
  static byte[] status(String status, String reason) {
    return encode(
        64,
        g -> {
          g.writeStartObject();
          g.writeStringField("status", status);
          if (reason != null) {
            g.writeStringField("reason", reason);
          }
          g.writeEndObject();
        });
  }

  static byte[] state(GatewayState s) {
    return encode(2048, g -> JsonStateWriter.write(g, s));
  }

  private static void time(JsonGenerator g, String field, Instant t, char[] buf)
      throws IOException {
    g.writeFieldName(field);
    int n = IsoInstant.write(t, buf);
    if (n < 0) {
      g.writeString(t.toString());
    } else {
      g.writeString(buf, 0, n);
    }
  }

  static void value(JsonGenerator g, String field, PointValue v) throws IOException {
    g.writeFieldName(field);
    if (v == null) {
      g.writeNull();
    } else if (v instanceof PointValue.Bool b) {
      g.writeBoolean(b.value());
    } else if (v instanceof PointValue.Int64 i) {
      g.writeNumber(i.value());
    } else if (v instanceof PointValue.Float64 f) {
      if (Double.isFinite(f.value())) {
        g.writeNumber(f.value());
      } else {
        g.writeString(Double.toString(f.value())); // JSON has no NaN/Infinity
      }
    } else if (v instanceof PointValue.Text t) {
      g.writeString(t.value());
    } else if (v instanceof PointValue.Bytes b) {
      g.writeString(Base64.getEncoder().encodeToString(b.value()));
    } else {
      throw new IllegalArgumentException("unknown value kind " + v.getClass());
    }
  }

  private static String[] typeNames() {
    io.edgerule.adapter.ValueType[] types = io.edgerule.adapter.ValueType.values();
    String[] names = new String[types.length];
    for (io.edgerule.adapter.ValueType t : types) {
      names[t.ordinal()] = t.name().toLowerCase(Locale.ROOT);
    }
    return names;
  }
}
