package io.edgerule.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.AdapterHealth.DeviceHealth;
import io.edgerule.adapter.AdapterHealth.State;
import io.edgerule.daemon.namespace.GatewayState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthReportTest {
  private static GatewayState state(
      List<DeviceHealth> devices,
      List<GatewayState.RuleState> rules,
      boolean connected,
      long dropped) {
    return new GatewayState(
        "online",
        null,
        "gw",
        Instant.parse("2026-12-07T06:00:00Z"),
        List.of(new AdapterHealth("modbus-tcp:x", AdapterHealth.summarize(devices), devices)),
        rules,
        Map.of(),
        new GatewayState.Pipeline(100, dropped, 0),
        new GatewayState.UplinkStatus(connected, 10, 0, null));
  }

  private static GatewayState.RuleState rule(String name, String status) {
    return new GatewayState.RuleState(
        name, status, 0, 0, 0, 0, 0, "abc", Map.of(), null, "TRAP: unreachable", null, null);
  }

  @Test
  void allWellIsOk() {
    HealthReport r =
        HealthReport.of(
            state(
                List.of(new DeviceHealth("tank", State.UP, "", Map.of())),
                List.of(rule("a", "ACTIVE")),
                true,
                0),
            Optional.empty());
    assertEquals("ok", r.status());
    assertEquals(List.of(), r.problems());
    assertEquals(1, r.devicesUp());
    assertEquals(1, r.rulesActive());
  }

  @Test
  void errorsComeBeforeWarningsAndAStuckPipelineIsDown() {
    GatewayState s =
        state(
            List.of(
                new DeviceHealth("meter", State.DEGRADED, "exception 02", Map.of()),
                new DeviceHealth("tank", State.DOWN, "connection refused", Map.of()),
                new DeviceHealth("pump", State.UP, "", Map.of())),
            List.of(rule("a", "ACTIVE"), rule("spin", "QUARANTINED")),
            false,
            5);
    HealthReport r = HealthReport.of(s, Optional.empty());
    assertEquals("degraded", r.status());
    List<String> lines =
        r.problems().stream().map(p -> p.severity() + " " + p.kind() + " " + p.what()).toList();
    assertEquals(
        List.of(
            "error device tank",
            "error rule spin",
            "warning device meter",
            "warning uplink uplink",
            "warning pipeline ingress queue"),
        lines);
    assertEquals("DOWN: connection refused", r.problems().get(0).why());
    assertTrue(
        r.problems().get(1).why().startsWith("QUARANTINED: TRAP"), r.problems().get(1).why());
    assertEquals(1, r.devicesUp());
    assertEquals(3, r.devicesTotal());

    HealthReport stuck = HealthReport.of(s, Optional.of("dispatcher silent for 12.0 s"));
    assertEquals("down", stuck.status());
    assertEquals("pipeline", stuck.problems().get(0).kind());
  }
}
