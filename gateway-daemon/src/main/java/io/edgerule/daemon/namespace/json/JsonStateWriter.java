package io.edgerule.daemon.namespace.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.daemon.namespace.AlarmChange;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboxStats;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/** The state snapshot as JSON (docs/reference/mqtt.md, "State"). */
final class JsonStateWriter {
  private JsonStateWriter() {}

  static void write(JsonGenerator g, GatewayState s) throws IOException {
    g.writeStartObject();
    g.writeStringField("status", s.status());
    g.writeStringField("gateway", s.gateway());
    g.writeStringField("time", s.time().toString());
    g.writeArrayFieldStart("adapters");
    for (AdapterHealth h : s.adapters()) {
      g.writeStartObject();
      g.writeStringField("name", h.adapter());
      g.writeStringField("state", h.state().name());
      g.writeArrayFieldStart("devices");
      for (AdapterHealth.DeviceHealth d : h.devices()) {
        g.writeStartObject();
        g.writeStringField("device", d.device());
        g.writeStringField("state", d.state().name());
        if (!d.lastError().isEmpty()) {
          g.writeStringField("last_error", d.lastError());
        }
        counters(g, "counters", d.counters());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("rules");
    for (GatewayState.RuleState r : s.rules()) {
      g.writeStartObject();
      g.writeStringField("name", r.name());
      g.writeStringField("status", r.status());
      if (r.isFailed()) {
        g.writeStringField("error", r.error());
        g.writeEndObject();
        continue;
      }
      g.writeNumberField("faults", r.faults());
      g.writeNumberField("batches", r.batches());
      g.writeNumberField("ticks", r.ticks());
      g.writeNumberField("dropped", r.dropped());
      g.writeNumberField("throttled", r.throttled());
      g.writeStringField("module", r.module());
      if (!r.counters().isEmpty()) {
        counters(g, "counters", r.counters());
      }
      if (r.readmitAt() != null) {
        g.writeStringField("readmit_at", r.readmitAt().toString());
      }
      if (r.lastError() != null) {
        g.writeStringField("last_error", r.lastError());
      }
      if (r.timing() != null) {
        g.writeObjectFieldStart("timing");
        g.writeNumberField("evaluations", r.timing().evaluations());
        if (r.timing().p50Millis() != null) {
          g.writeNumberField("p50_ms", r.timing().p50Millis());
        }
        if (r.timing().p99Millis() != null) {
          g.writeNumberField("p99_ms", r.timing().p99Millis());
        }
        g.writeEndObject();
      }
      if (r.shadow() != null) {
        g.writeObjectFieldStart("shadow");
        g.writeStringField("module", r.shadow().module());
        g.writeNumberField("calls", r.shadow().calls());
        g.writeNumberField("matched", r.shadow().matched());
        g.writeNumberField("differed", r.shadow().differed());
        g.writeNumberField("candidate_failures", r.shadow().failures());
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("alarms");
    for (Map.Entry<String, Boolean> a : s.alarms().entrySet()) {
      g.writeBooleanField(a.getKey(), a.getValue());
    }
    g.writeEndObject();
    g.writeObjectFieldStart("pipeline");
    g.writeNumberField("accepted", s.pipeline().accepted());
    g.writeNumberField("dropped", s.pipeline().dropped());
    g.writeNumberField("queue_depth", s.pipeline().queueDepth());
    g.writeEndObject();
    uplink(g, s.uplink());
    if (!s.points().isEmpty()) {
      points(g, s);
    }
    if (!s.recentAlarms().isEmpty()) {
      g.writeArrayFieldStart("recent_alarms");
      for (AlarmChange a : s.recentAlarms()) {
        g.writeStartObject();
        g.writeStringField("rule", a.rule());
        g.writeStringField("alarm", a.alarm());
        g.writeBooleanField("active", a.active());
        if (a.active()) {
          g.writeNumberField("severity", a.severity());
          g.writeStringField("message", a.message());
        }
        g.writeStringField("time", a.time().toString());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (s.reason() != null) {
      g.writeStringField("reason", s.reason());
    }
    g.writeEndObject();
  }

  private static void points(JsonGenerator g, GatewayState s) throws IOException {
    g.writeArrayFieldStart("points");
    for (GatewayState.PointState p : s.points()) {
      g.writeStartObject();
      g.writeStringField("device", p.point().device());
      g.writeStringField("point", p.point().point());
      if (p.value() != null) {
        JsonPayloads.value(g, "value", p.value());
      }
      if (p.quality() != null) {
        g.writeStringField("quality", p.quality().toString());
      }
      if (p.time() != null) {
        g.writeStringField("time", p.time().toString());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void uplink(JsonGenerator g, GatewayState.UplinkStatus u) throws IOException {
    g.writeObjectFieldStart("uplink");
    g.writeBooleanField("connected", u.connected());
    GatewayState.OutboxFigures o = u.outbox();
    if (o != null) {
      g.writeBooleanField("replaying", o.replaying());
    }
    g.writeNumberField("published", u.published());
    g.writeNumberField("dropped", u.dropped());
    if (o != null) {
      g.writeNumberField("acknowledged", o.acknowledged());
      g.writeNumberField("resent", o.resent());
      g.writeNumberField("in_flight", o.inFlight());
      g.writeObjectFieldStart("classes");
      for (MessageClass c : MessageClass.values()) {
        OutboxStats.ClassStats cs = o.stats().of(c);
        g.writeObjectFieldStart(c.name().toLowerCase(Locale.ROOT));
        g.writeNumberField("backlog_messages", cs.queuedMessages());
        g.writeNumberField("backlog_bytes", cs.queuedBytes());
        g.writeNumberField("dropped", cs.dropped());
        g.writeNumberField("dropped_for_space", cs.droppedForSpace());
        g.writeNumberField("dropped_for_age", cs.droppedForAge());
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void counters(JsonGenerator g, String field, Map<String, Long> counters)
      throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, Long> c : counters.entrySet()) {
      g.writeNumberField(c.getKey(), c.getValue());
    }
    g.writeEndObject();
  }
}
