package io.edgerule.daemon.namespace;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of the whole gateway, as the fleet sees it in the state message and in the answer to
 * the {@code status} command. Built by the gateway, encoded by the {@link FleetNamespace}.
 *
 * @param status {@code online} or {@code offline}
 * @param reason why offline ({@code shutdown}), or null
 * @param alarms rule/alarm name to whether it is active
 * @param points every configured point's last value (the status page; empty in the MQTT state
 *     message's snapshot, where telemetry carries the values)
 * @param recentAlarms the last alarm changes, oldest first (the status page; may be empty)
 */
public record GatewayState(
    String status,
    String reason,
    String gateway,
    Instant time,
    List<AdapterHealth> adapters,
    List<RuleState> rules,
    Map<String, Boolean> alarms,
    Pipeline pipeline,
    UplinkStatus uplink,
    List<PointState> points,
    List<AlarmChange> recentAlarms) {

  public GatewayState {
    adapters = List.copyOf(adapters);
    rules = List.copyOf(rules);
    alarms = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(alarms));
    points = points == null ? List.of() : List.copyOf(points);
    recentAlarms = recentAlarms == null ? List.of() : List.copyOf(recentAlarms);
  }

  /** A snapshot without points and recent alarms (the MQTT state message's). */
  public GatewayState(
      String status,
      String reason,
      String gateway,
      Instant time,
      List<AdapterHealth> adapters,
      List<RuleState> rules,
      Map<String, Boolean> alarms,
      Pipeline pipeline,
      UplinkStatus uplink) {
    this(status, reason, gateway, time, adapters, rules, alarms, pipeline, uplink, null, null);
  }

  /** This snapshot with the points' last values and the recent alarm changes. */
  public GatewayState withDetail(List<PointState> newPoints, List<AlarmChange> newRecentAlarms) {
    return new GatewayState(
        status,
        reason,
        gateway,
        time,
        adapters,
        rules,
        alarms,
        pipeline,
        uplink,
        newPoints,
        newRecentAlarms);
  }

  /**
   * One point's last event.
   *
   * @param value null before the first sample, or with a BAD quality
   * @param quality null before the first sample
   * @param time the sample's source time, null before the first sample
   */
  public record PointState(PointId point, PointValue value, Quality quality, Instant time) {}

  /**
   * How long a rule's evaluations take.
   *
   * @param p50Millis the median over the last minute, or null when none ran in it
   * @param p99Millis the 99th percentile over the last minute, or null
   */
  public record RuleTiming(long evaluations, Double p50Millis, Double p99Millis) {}

  /** This snapshot with another status and reason (the final one at shutdown). */
  public GatewayState withStatus(String newStatus, String newReason) {
    return new GatewayState(
        newStatus,
        newReason,
        gateway,
        time,
        adapters,
        rules,
        alarms,
        pipeline,
        uplink,
        points,
        recentAlarms);
  }

  /**
   * One rule: loaded ({@code error} null) or failed to load (only {@code name}, {@code status}
   * FAILED and {@code error}).
   *
   * @param module the start of the running module's SHA-256
   * @param counters what the gateway refused or dropped of the rule (may be empty)
   * @param readmitAt when a quarantined rule is re-admitted, or null
   * @param lastError why it was quarantined, or null
   * @param shadow the shadow candidate's comparison, or null
   * @param timing how long its evaluations take, or null (not measured)
   */
  public record RuleState(
      String name,
      String status,
      long faults,
      long batches,
      long ticks,
      long dropped,
      long throttled,
      String module,
      Map<String, Long> counters,
      Instant readmitAt,
      String lastError,
      Shadow shadow,
      String error,
      RuleTiming timing) {

    /** A rule's state without timings. */
    public RuleState(
        String name,
        String status,
        long faults,
        long batches,
        long ticks,
        long dropped,
        long throttled,
        String module,
        Map<String, Long> counters,
        Instant readmitAt,
        String lastError,
        Shadow shadow,
        String error) {
      this(
          name, status, faults, batches, ticks, dropped, throttled, module, counters, readmitAt,
          lastError, shadow, error, null);
    }

    public static RuleState failed(String name, String error) {
      return new RuleState(name, "FAILED", 0, 0, 0, 0, 0, null, Map.of(), null, null, null, error);
    }

    /** This rule's state with its timing. */
    public RuleState withTiming(RuleTiming t) {
      return new RuleState(
          name, status, faults, batches, ticks, dropped, throttled, module, counters, readmitAt,
          lastError, shadow, error, t);
    }

    public boolean isFailed() {
      return error != null;
    }
  }

  /** A shadow candidate running beside a rule. */
  public record Shadow(String module, long calls, long matched, long differed, long failures) {}

  /** The ingress queue's counters. */
  public record Pipeline(long accepted, long dropped, long queueDepth) {}

  /**
   * The uplink's figures.
   *
   * @param outbox the store-and-forward figures of an uplink with an outbox, else null
   */
  public record UplinkStatus(
      boolean connected, long published, long dropped, OutboxFigures outbox) {}

  /**
   * The outbox behind the uplink.
   *
   * @param replaying whether a backlog is being replayed
   * @param acknowledged messages the broker acknowledged
   * @param resent messages sent again after a failed publish
   * @param inFlight publishes waiting for the broker's acknowledgement
   * @param stats backlog and drops per message class
   */
  public record OutboxFigures(
      boolean replaying,
      long acknowledged,
      long resent,
      int inFlight,
      io.edgerule.mqtt.outbox.OutboxStats stats) {}
}
