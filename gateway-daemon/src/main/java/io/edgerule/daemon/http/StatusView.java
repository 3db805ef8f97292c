package io.edgerule.daemon.http;

import io.edgerule.daemon.Liveness;
import io.edgerule.daemon.metrics.RuleMeters;
import io.edgerule.daemon.namespace.AlarmChange;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.state.LatestSamples;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the HTTP endpoints show: the gateway's state snapshot (the one the MQTT state message
 * renders) with the detail only the status page needs filled in (every point's last value, rule
 * timings, recent alarm changes), rendered by the same JSON writer; and the health report made from
 * that snapshot.
 */
public final class StatusView {
  /** A pipeline part silent for longer than this makes the health {@code down}. */
  static final long STUCK_AFTER_SECONDS = 10;

  private final Supplier<GatewayState> base;
  private final LatestSamples latest;
  private final Supplier<List<AlarmChange>> recentAlarms;
  private final RuleMeters rules;
  private final Liveness liveness;

  public StatusView(
      Supplier<GatewayState> base,
      LatestSamples latest,
      Supplier<List<AlarmChange>> recentAlarms,
      RuleMeters rules,
      Liveness liveness) {
    this.base = base;
    this.latest = latest;
    this.recentAlarms = recentAlarms;
    this.rules = rules;
    this.liveness = liveness;
  }

  /** The snapshot with points, rule timings and recent alarms. */
  public GatewayState snapshot() {
    GatewayState s = base.get();
    List<GatewayState.RuleState> timed = new ArrayList<>(s.rules().size());
    for (GatewayState.RuleState r : s.rules()) {
      if (r.isFailed()) {
        timed.add(r);
        continue;
      }
      RuleMeters.Timing t = rules.timing(r.name());
      timed.add(
          r.withTiming(
              new GatewayState.RuleTiming(
                  t.evaluations(),
                  t.p50Millis().isPresent() ? t.p50Millis().getAsDouble() : null,
                  t.p99Millis().isPresent() ? t.p99Millis().getAsDouble() : null)));
    }
    return new GatewayState(
        s.status(),
        s.reason(),
        s.gateway(),
        s.time(),
        s.adapters(),
        timed,
        s.alarms(),
        s.pipeline(),
        s.uplink(),
        latest.snapshot(),
        recentAlarms.get());
  }

  public byte[] stateJson() {
    return JsonNamespace.stateJson(snapshot());
  }

  public HealthReport health() {
    return HealthReport.of(base.get(), liveness.stuck(STUCK_AFTER_SECONDS, TimeUnit.SECONDS));
  }
}
