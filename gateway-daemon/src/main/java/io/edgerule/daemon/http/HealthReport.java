package io.edgerule.daemon.http;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.daemon.namespace.GatewayState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What is wrong with the gateway, worst first, from one {@link GatewayState}: the body of {@code
 * GET /health} and the red lines at the top of the status page.
 *
 * @param status {@code ok} (nothing wrong), {@code degraded} (something is wrong, the pipeline
 *     runs) or {@code down} (the pipeline is stuck: HTTP 503)
 * @param problems one line each, worst first: {@code {"severity":"error","what":"device
 *     tank","why":"..."}}
 */
public record HealthReport(
    String status,
    String gateway,
    String time,
    List<Problem> problems,
    int devicesUp,
    int devicesTotal,
    int rulesActive,
    int rulesTotal,
    boolean uplinkConnected,
    long uplinkBacklog) {

  /**
   * One thing that is wrong.
   *
   * @param severity {@code error} (something does not work) or {@code warning} (it works, with
   *     losses or delays)
   * @param kind {@code pipeline}, {@code device}, {@code rule} or {@code uplink}
   */
  public record Problem(String severity, String kind, String what, String why) {}

  /**
   * @param stuck why the pipeline is stuck (a thread that stopped turning), or empty
   */
  public static HealthReport of(GatewayState s, Optional<String> stuck) {
    List<Problem> errors = new ArrayList<>();
    List<Problem> warnings = new ArrayList<>();
    stuck.ifPresent(why -> errors.add(new Problem("error", "pipeline", "pipeline", why)));
    int up = 0;
    int total = 0;
    for (AdapterHealth a : s.adapters()) {
      for (AdapterHealth.DeviceHealth d : a.devices()) {
        total++;
        switch (d.state()) {
          case UP -> up++;
          case DOWN, STOPPED ->
              errors.add(
                  new Problem("error", "device", d.device(), why(d.state().name(), d.lastError())));
          case DEGRADED ->
              warnings.add(
                  new Problem(
                      "warning", "device", d.device(), why(d.state().name(), d.lastError())));
          case STARTING ->
              warnings.add(
                  new Problem("warning", "device", d.device(), why("STARTING", d.lastError())));
        }
      }
    }
    int active = 0;
    for (GatewayState.RuleState r : s.rules()) {
      switch (r.status()) {
        case "ACTIVE" -> active++;
        case "FAILED" -> errors.add(new Problem("error", "rule", r.name(), "FAILED: " + r.error()));
        case "QUARANTINED" ->
            errors.add(
                new Problem(
                    "error",
                    "rule",
                    r.name(),
                    "QUARANTINED: "
                        + (r.lastError() == null ? "" : r.lastError())
                        + (r.readmitAt() == null
                            ? ""
                            : " (re-admitted at " + r.readmitAt() + ")")));
        default -> warnings.add(new Problem("warning", "rule", r.name(), r.status()));
      }
    }
    GatewayState.UplinkStatus u = s.uplink();
    long backlog = backlog(u);
    if (u != null && !u.connected()) {
      warnings.add(
          new Problem(
              "warning",
              "uplink",
              "uplink",
              "not connected to the broker"
                  + (backlog > 0 ? "; " + backlog + " messages wait" : "")));
    }
    if (s.pipeline().dropped() > 0) {
      warnings.add(
          new Problem(
              "warning",
              "pipeline",
              "ingress queue",
              s.pipeline().dropped() + " events dropped since start (queue full)"));
    }
    List<Problem> all = new ArrayList<>(errors);
    all.addAll(warnings);
    String status = stuck.isPresent() ? "down" : all.isEmpty() ? "ok" : "degraded";
    return new HealthReport(
        status,
        s.gateway(),
        s.time().toString(),
        all,
        up,
        total,
        active,
        s.rules().size(),
        u != null && u.connected(),
        backlog);
  }

  private static long backlog(GatewayState.UplinkStatus u) {
    if (u == null || u.outbox() == null) {
      return 0;
    }
    return u.outbox().stats().classes().values().stream().mapToLong(c -> c.queuedMessages()).sum();
  }

  private static String why(String state, String lastError) {
    return lastError == null || lastError.isEmpty() ? state : state + ": " + lastError;
  }
}
