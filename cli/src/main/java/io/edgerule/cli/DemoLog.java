package io.edgerule.cli;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.sandbox.RuleAction;
import io.edgerule.sandbox.RuleOutcome;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The demo's live log: plant readings now and then, every rule decision, every device write. */
final class DemoLog implements GatewayListener {
  private static final Duration PLANT_EVERY = Duration.ofSeconds(5);

  private final PrintWriter out;
  private final Clock clock;
  private final Instant start;
  private final Map<String, PointValue> last = new ConcurrentHashMap<>();
  private volatile Instant lastPlantLine = Instant.EPOCH;

  DemoLog(PrintWriter out, Clock clock) {
    this.out = out;
    this.clock = clock;
    this.start = clock.instant();
  }

  @Override
  public void onEvent(PointEvent event) {
    if (event.value() != null) {
      last.put(event.point().toString(), event.value());
    }
    Instant now = clock.instant();
    if (Duration.between(lastPlantLine, now).compareTo(PLANT_EVERY) >= 0 && last.size() >= 3) {
      lastPlantLine = now;
      line(
          "plant",
          String.format(
              Locale.ROOT,
              "tank %s C %s %% pump %s | meter %s W | line %s C %s rpm %s | hall motion %s light %s",
              number("tank/temperature"),
              number("tank/level"),
              onOff("tank/pump"),
              number("meter/power"),
              number("line/temperature"),
              text("line/pump_speed"),
              text("line/state"),
              onOff("hall_motion/occupancy"),
              onOff("hall_light/on_off")));
    }
  }

  @Override
  public void onRuleOutcome(
      String rule, List<PointEvent> batch, RuleOutcome outcome, Duration elapsed) {
    if (outcome instanceof RuleOutcome.Committed c && !c.actions().isEmpty()) {
      PointEvent trigger = batch.get(batch.size() - 1);
      String cause = trigger.point() + "=" + format(trigger.value());
      for (RuleAction a : c.actions()) {
        line("rule", String.format(Locale.ROOT, "%-9s %-24s -> %s", rule, cause, describe(a)));
      }
    } else if (outcome instanceof RuleOutcome.Failed f) {
      line("rule", rule + " FAILED " + f.kind() + ": " + f.message());
    }
  }

  @Override
  public void onWriteResult(WriteResult r) {
    line(
        "device",
        r.command().point()
            + " = "
            + format(r.command().value())
            + "  "
            + r.status()
            + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")"));
  }

  @Override
  public void onRuleLoadFailed(String rule, String error) {
    line("rule", rule + " NOT LOADED: " + error);
  }

  void mqtt(String topic, String payload) {
    line("mqtt", topic + "  " + payload);
  }

  private static String describe(RuleAction a) {
    if (a instanceof RuleAction.WritePoint w) {
      return "write " + w.point() + " = " + format(w.value());
    } else if (a instanceof RuleAction.RaiseAlarm r) {
      return "raise alarm '" + r.alarm() + "' (severity " + r.severity() + "): " + r.message();
    } else if (a instanceof RuleAction.ClearAlarm c) {
      return "clear alarm '" + c.alarm() + "'";
    } else if (a instanceof RuleAction.Publish p) {
      return "publish " + p.topic() + " (" + p.payload().length + " bytes)";
    } else if (a instanceof RuleAction.Log l) {
      return "log " + l.message();
    }
    return a.toString();
  }

  private String number(String point) {
    PointValue v = last.get(point);
    return v == null ? "?" : String.format(Locale.ROOT, "%5.1f", v.asDouble());
  }

  private String text(String point) {
    PointValue v = last.get(point);
    return v == null ? "?" : v.toString();
  }

  private String onOff(String point) {
    PointValue v = last.get(point);
    return v == null ? "?" : v.asDouble() != 0 ? "ON" : "off";
  }

  private static String format(PointValue v) {
    if (v instanceof PointValue.Float64 f) {
      return String.format(Locale.ROOT, "%.1f", f.value());
    }
    return String.valueOf(v);
  }

  private synchronized void line(String kind, String text) {
    Duration t = Duration.between(start, clock.instant());
    out.printf(
        Locale.ROOT,
        "[%02d:%02d.%d] %-7s %s%n",
        t.toMinutes(),
        t.toSecondsPart(),
        t.toMillisPart() / 100,
        kind,
        text);
    out.flush();
  }
}
