package io.edgerule.daemon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.adapter.PointEvent;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleAction;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleOutcome;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs recorded events through one loaded rule on a virtual clock and turns every outcome into JSON
 * lines. Deterministic: the clock only moves to the events' and ticks' times, each event is one
 * batch, and ticks due at or before an event's time run before it.
 */
final class RuleReplay {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A clock that shows exactly the time the replay sets. */
  static final class VirtualClock extends Clock {
    private volatile long millis;

    VirtualClock(Instant start) {
      this.millis = start.toEpochMilli();
    }

    void set(Instant t) {
      millis = t.toEpochMilli();
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final RuleEngine engine;
  private final Rule rule;
  private final VirtualClock clock;
  private final Optional<Duration> tick;
  private final Consumer<String> out;
  private Instant nextTick;

  RuleReplay(
      RuleEngine engine,
      Rule rule,
      VirtualClock clock,
      Instant start,
      Optional<Duration> tick,
      Consumer<String> out) {
    this.engine = engine;
    this.rule = rule;
    this.clock = clock;
    this.tick = tick;
    this.out = out;
    this.nextTick = tick.map(start::plus).orElse(null);
  }

  /** Feeds every event (one per batch), with the ticks due before each. */
  void run(List<PointEvent> events, Optional<Instant> end) {
    Instant reached = null;
    for (PointEvent e : events) {
      // Never backwards: a recording whose clock stepped back runs at the time it had reached.
      Instant at = reached != null && e.receiveTime().isBefore(reached) ? reached : e.receiveTime();
      reached = at;
      ticksUntil(at);
      clock.set(at);
      report(at, "event", e.sequence(), engine.evaluate(rule, List.of(e)));
    }
    end.ifPresent(this::ticksUntil);
  }

  private void ticksUntil(Instant t) {
    while (nextTick != null && !nextTick.isAfter(t)) {
      clock.set(nextTick);
      report(nextTick, "tick", -1, engine.tick(rule));
      nextTick = nextTick.plus(tick.orElseThrow());
    }
  }

  private void report(Instant at, String trigger, long seq, RuleOutcome outcome) {
    if (outcome instanceof RuleOutcome.Committed c) {
      for (RuleAction a : c.actions()) {
        ObjectNode o = head(at, trigger, seq);
        action(o, a);
        out.accept(o.toString());
      }
    } else if (outcome instanceof RuleOutcome.Failed f) {
      ObjectNode o = head(at, trigger, seq);
      o.put("outcome", "failed");
      o.put("kind", f.kind().name());
      o.put("message", f.message());
      out.accept(o.toString());
    } else if (outcome instanceof RuleOutcome.Skipped s) {
      ObjectNode o = head(at, trigger, seq);
      o.put("outcome", "skipped");
      o.put("reason", s.reason());
      out.accept(o.toString());
    }
  }

  private static ObjectNode head(Instant at, String trigger, long seq) {
    ObjectNode o = JSON.createObjectNode();
    o.put("time", at.toString());
    o.put("trigger", trigger);
    if (seq >= 0) {
      o.put("seq", seq);
    }
    return o;
  }

  /** The action's fields; the JSON shape is documented in docs/how-to/write-a-rule.md. */
  static void action(ObjectNode o, RuleAction a) {
    if (a instanceof RuleAction.WritePoint w) {
      o.put("action", "write");
      o.put("point", w.point().toString());
      EventJsonlWriter.putValue(o, w.value());
    } else if (a instanceof RuleAction.Publish p) {
      o.put("action", "publish");
      o.put("topic", p.topic());
      String text = utf8(p.payload());
      if (text != null) {
        o.put("payload", text);
      } else {
        o.put("payload_base64", Base64.getEncoder().encodeToString(p.payload()));
      }
      o.put("qos", p.qos());
      o.put("retain", p.retain());
    } else if (a instanceof RuleAction.RaiseAlarm r) {
      o.put("action", "alarm_raise");
      o.put("alarm", r.alarm());
      o.put("severity", r.severity());
      o.put("message", r.message());
    } else if (a instanceof RuleAction.ClearAlarm c) {
      o.put("action", "alarm_clear");
      o.put("alarm", c.alarm());
    } else if (a instanceof RuleAction.Log l) {
      o.put("action", "log");
      o.put("level", l.level().name().toLowerCase(Locale.ROOT));
      o.put("message", l.message());
    }
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
