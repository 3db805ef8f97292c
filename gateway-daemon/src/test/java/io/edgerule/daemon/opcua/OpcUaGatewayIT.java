package io.edgerule.daemon.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.opcua.OpcUaPki;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.cli.Factories;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.sim.opcua.OpcUaSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OPC-UA end to end through the gateway: a secured subscription feeds the example pump rule (C,
 * compiled to WebAssembly), whose writes go back to the server as typed OPC-UA writes.
 */
class OpcUaGatewayIT {
  private static final Path EXAMPLES = Path.of("..", "examples", "rules");
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;

  @Test
  void subscriptionFeedsARuleWhoseWriteReachesTheServer() throws Exception {
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    for (String f : List.of("pump.wasm", "pump.yaml")) {
      Files.copy(EXAMPLES.resolve(f), rules.resolve(f));
    }
    try (OpcUaSimulator sim = OpcUaSimulator.builder().trustAllClients(true).start()) {
      // commissioning: the gateway trusts this server (what `edgerule opcua trust` does)
      OpcUaPki.open(tmp.resolve("state")).trustCertificate(sim.certificate());
      Path configFile = tmp.resolve("gateway.yaml");
      Files.writeString(
          configFile,
          """
          gateway: {id: it-gw, state_dir: state}
          devices:
            - protocol: opcua
              name: tank
              endpoint: %s
              security_policy: basic256sha256
              security_mode: sign_and_encrypt
              publishing_interval: 100ms
              request_timeout: 3s
              points:
                - {name: level, node_id: "ns=2;s=Tank/Level", sampling_interval: 50ms}
                - {name: pump, node_id: "ns=2;s=Pump/Command", type: bool, writable: true}
          rules:
            - {name: pump, wasm: rules/pump.wasm}
          """
              .formatted(sim.endpointUrl()));
      GatewayConfig config = new ConfigLoader(Factories.installed()).load(configFile);
      List<WriteResult> writes = new CopyOnWriteArrayList<>();
      List<PointEvent> events = new CopyOnWriteArrayList<>();
      GatewayListener listener =
          new GatewayListener() {
            @Override
            public void onEvent(PointEvent event) {
              events.add(event);
            }

            @Override
            public void onWriteResult(WriteResult result) {
              writes.add(result);
            }
          };
      try (Gateway gw = Gateway.start(config, Factories.installed(), listener, Clock.systemUTC())) {
        Poll.until(
            () -> events.stream().anyMatch(e -> e.point().toString().equals("tank/level")),
            WAIT,
            "level values arrive from the subscription");
        assertTrue(
            gw.health().stream()
                .anyMatch(
                    h -> h.adapter().equals("opcua:tank") && h.state() == AdapterHealth.State.UP),
            gw.health().toString());

        sim.write("Tank/Level", 85.0f);
        Poll.until(
            () -> Boolean.TRUE.equals(sim.read("Pump/Command")),
            WAIT,
            "the pump rule switched the pump on through an OPC-UA write");
        Poll.until(() -> Boolean.TRUE.equals(sim.read("Pump/Running")), WAIT, "the plant follows");

        sim.write("Tank/Level", 10.0f);
        Poll.until(
            () -> Boolean.FALSE.equals(sim.read("Pump/Command")),
            WAIT,
            "the pump rule switched the pump off");
        Poll.until(() -> writes.size() >= 2, WAIT, "both write results reported");
        assertTrue(
            writes.stream()
                .filter(w -> w.command().point().toString().equals("tank/pump"))
                .allMatch(WriteResult::isOk),
            writes.toString());
        assertEquals(
            2,
            writes.stream().filter(w -> w.command().point().toString().equals("tank/pump")).count(),
            "the rule writes only on change: " + writes);
      }
    }
  }
}
