package io.edgerule.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.cli.Factories;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.metrics.PromText;
import io.edgerule.daemon.testing.Chromium;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.ModbusTcpSimulator;
import io.edgerule.sim.modbus.SimTable;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's HTTP endpoints against a real gateway: a Modbus TCP simulator ("tank", answering),
 * a device at a port nobody listens on ("boiler", in error) and the example alarm rule. The
 * Prometheus endpoint is scraped with the JDK's HttpClient and parsed; the status page is loaded in
 * headless Chromium and its DOM read after its script ran.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusEndpointsIT {
  private static final Path EXAMPLES = Path.of("..", "examples", "rules");
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path tmp;
  private ModbusTcpSimulator sim;
  private Gateway gw;
  private String base;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    for (String f : List.of("overtemp.wasm", "overtemp.yaml")) {
      Files.copy(EXAMPLES.resolve(f), rules.resolve(f));
    }
    sim =
        ModbusTcpSimulator.start(
            ModbusSimConfig.builder()
                .port(0)
                .manualTicks()
                .unit(
                    1,
                    u -> {
                      u.map(SimTable.HOLDING_REGISTER, 0, 4);
                      u.setFloat32(SimTable.HOLDING_REGISTER, 0, 71.5f);
                      u.setFloat32(SimTable.HOLDING_REGISTER, 2, 42f);
                    })
                .build());
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort(); // nobody listens there once closed: connection refused
    }
    Path configFile = tmp.resolve("gateway.yaml");
    Files.writeString(
        configFile,
        """
        gateway:
          id: page-gw
          state_dir: state
        devices:
          - protocol: modbus-tcp
            name: tank
            host: 127.0.0.1
            port: %d
            poll_interval: 100ms
            timeout: 500ms
            points:
              - {name: temperature, table: holding_register, address: 0, type: float32}
              - {name: level, table: holding_register, address: 2, type: float32}
          - protocol: modbus-tcp
            name: boiler
            host: 127.0.0.1
            port: %d
            poll_interval: 100ms
            timeout: 300ms
            reconnect: {initial: 100ms, max: 500ms, multiplier: 2}
            points:
              - {name: pressure, table: holding_register, address: 0, type: uint16}
        rules:
          - {name: overtemp, wasm: rules/overtemp.wasm}
        http:
          port: 0
        """
            .formatted(sim.port(), closedPort));
    GatewayConfig config = new ConfigLoader(Factories.installed()).load(configFile);
    gw = Gateway.start(config, Factories.installed(), GatewayListener.NONE, Clock.systemUTC());
    base = "http://127.0.0.1:" + gw.httpPort().orElseThrow() + "/";
  }

  @AfterAll
  void stop() {
    if (gw != null) {
      gw.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private PromText scrape() throws Exception {
    HttpResponse<String> r = get("metrics");
    assertEquals(200, r.statusCode());
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
        r.headers().toString());
    return PromText.parse(r.body());
  }

  private static double value(PromText p, String name, String... labels) {
    Double v = p.value(name, labels);
    assertNotNull(v, name + " " + List.of(labels) + " missing from the scrape");
    return v;
  }

  @Test
  void prometheusCountersMoveWithRealPolls() throws Exception {
    Poll.until(
        () -> {
          try {
            PromText p = scrape();
            Double polls = p.value("edgerule_device_polls_total", "device", "tank");
            Double errors = p.value("edgerule_device_errors_total", "device", "boiler");
            return polls != null && polls >= 3 && errors != null && errors >= 1;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        },
        WAIT,
        "tank polled and boiler's failed connects counted");
    PromText first = scrape();
    double polls =
        value(first, "edgerule_device_polls_total", "protocol", "modbus-tcp", "device", "tank");
    double requests = value(first, "edgerule_modbus_requests_total", "device", "tank");
    Poll.until(
        () -> {
          try {
            PromText p = scrape();
            return value(p, "edgerule_device_polls_total", "device", "tank") >= polls + 3
                && value(p, "edgerule_modbus_requests_total", "device", "tank") > requests;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        },
        WAIT,
        "the tank's poll and request counters move between scrapes");
    PromText p = scrape();
    assertTrue(value(p, "edgerule_device_request_seconds_count", "device", "tank") > 0);
    double p50 = value(p, "edgerule_device_request_seconds", "device", "tank", "quantile", "0.5");
    assertTrue(p50 > 0 && p50 < 30, "a request's median round trip in seconds: " + p50);
    assertEquals(0.0, value(p, "edgerule_modbus_responses_total", "device", "boiler"));
    assertTrue(value(p, "edgerule_modbus_connect_attempts_total", "device", "boiler") >= 1);
    assertTrue(value(p, "edgerule_pipeline_accepted_total") > 0);
    assertNotNull(p.value("edgerule_pipeline_queue_depth"));
    assertTrue(value(p, "edgerule_rule_evaluations_total", "rule", "overtemp") > 0);
    assertNotNull(
        p.value("edgerule_rule_evaluation_seconds", "rule", "overtemp", "quantile", "0.99"));
    assertEquals(0.0, value(p, "edgerule_rule_traps_total", "rule", "overtemp"));
    assertEquals(0.0, value(p, "edgerule_uplink_connected"));
    assertEquals(0.0, value(p, "edgerule_outbox_backlog_messages", "class", "telemetry"));
    assertTrue(value(p, "jvm_memory_used_bytes", "area", "heap") > 0);
    assertTrue(value(p, "jvm_threads_current") > 0);
  }

  @Test
  void healthNamesTheDeviceInErrorFirst() throws Exception {
    Poll.until(
        () -> {
          try {
            return get("health").body().contains("\"what\":\"boiler\"");
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        },
        WAIT,
        "boiler reported in /health");
    HttpResponse<String> r = get("health");
    assertEquals(200, r.statusCode(), "degraded is still 200: the pipeline turns");
    JsonNode h = new ObjectMapper().readTree(r.body());
    assertEquals("degraded", h.get("status").asText());
    assertEquals("page-gw", h.get("gateway").asText());
    JsonNode first = h.get("problems").get(0);
    assertEquals("error", first.get("severity").asText());
    assertEquals("device", first.get("kind").asText());
    assertEquals("boiler", first.get("what").asText());
    assertTrue(first.get("why").asText().startsWith("DOWN"), first.toString());
    assertEquals(2, h.get("devices_total").asInt());
    assertEquals(1, h.get("rules_total").asInt());

    JsonNode state = new ObjectMapper().readTree(get("api/state").body());
    assertEquals("page-gw", state.get("gateway").asText());
    JsonNode temperature = null;
    for (JsonNode pt : state.get("points")) {
      if (pt.get("device").asText().equals("tank")
          && pt.get("point").asText().equals("temperature")) {
        temperature = pt;
      }
    }
    assertNotNull(temperature, state.get("points").toString());
    assertEquals(71.5, temperature.get("value").asDouble(), 1e-6);
    assertEquals("GOOD", temperature.get("quality").asText());
    assertNotNull(state.get("rules").get(0).get("timing"), state.get("rules").toString());
    assertEquals(404, get("nothing-here").statusCode());
  }

  @Test
  void thePageShowsDevicesPointsAndTheDeviceInErrorOnTop() throws Exception {
    String browser = Chromium.binary(); // fails naming the package when missing
    assertNotNull(browser);
    Poll.until(
        () -> {
          try {
            String body = get("api/state").body();
            return body.contains("\"quality\":\"GOOD\"") && body.contains("\"DOWN\"");
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        },
        WAIT,
        "tank sampled and boiler down");
    String dom = Chromium.dumpDom(base, 5000, tmp);
    assertTrue(dom.contains("data-loaded=\"true\""), "the page's script drew the state:\n" + dom);
    Matcher rows =
        Pattern.compile("<tr class=\"device (\\w+)\" data-device=\"(\\w+)\"").matcher(dom);
    assertTrue(rows.find(), dom);
    assertEquals("boiler", rows.group(2), "the device in error comes first");
    assertEquals("bad", rows.group(1), "and is marked bad (red)");
    assertTrue(rows.find(), dom);
    assertEquals("tank", rows.group(2));
    assertEquals("ok", rows.group(1));
    Matcher temperature =
        Pattern.compile(
                "<tr class=\"point ok\" data-point=\"tank/temperature\">.*?<td class=\"num\">([^<]*)</td>")
            .matcher(dom);
    assertTrue(temperature.find(), dom);
    assertEquals("71.5", temperature.group(1));
    assertTrue(dom.contains("data-rule=\"overtemp\""), dom);
    assertTrue(
        dom.contains("class=\"error\">device boiler: DOWN"), "the problem list at the top: " + dom);
    // A picture for the docs when asked: -Dstatus.screenshot=../docs/how-to/status-page.png
    String shot = System.getProperty("status.screenshot");
    if (shot != null) {
      Chromium.screenshot(base, 5000, "1100,760", Path.of(shot), tmp);
    }
  }
}
