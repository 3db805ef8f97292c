package io.edgerule.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.metrics.Labels;
import io.edgerule.daemon.config.HttpSection;
import io.edgerule.daemon.metrics.PromText;
import io.edgerule.daemon.metrics.PrometheusMetrics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StatusServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private static HealthReport report(String status) {
    return new HealthReport(status, "gw", "t", List.of(), 0, 0, 0, 0, false, 0);
  }

  private HttpResponse<String> send(int port, String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesEachEndpointAndRefusesWhatItDoesNotServe() throws Exception {
    PrometheusMetrics metrics = new PrometheusMetrics();
    metrics.counter("edgerule_t_total", "t", Labels.NONE).add(3);
    AtomicReference<HealthReport> health = new AtomicReference<>(report("ok"));
    Optional<StatusServer> started =
        StatusServer.start(
            new HttpSection(true, "127.0.0.1", 0),
            metrics,
            () -> "{\"gateway\":\"gw\"}".getBytes(StandardCharsets.UTF_8),
            health::get,
            Thread::new);
    try (StatusServer server = started.orElseThrow()) {
      int port = server.port();
      assertEquals(
          3.0, PromText.parse(send(port, "GET", "/metrics").body()).value("edgerule_t_total"));
      HttpResponse<String> h = send(port, "GET", "/health");
      assertEquals(200, h.statusCode());
      assertTrue(h.body().contains("\"status\":\"ok\""), h.body());
      health.set(report("down"));
      assertEquals(503, send(port, "GET", "/health").statusCode());
      assertEquals("{\"gateway\":\"gw\"}", send(port, "GET", "/api/state").body());
      HttpResponse<String> page = send(port, "GET", "/");
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("<title>edgerule gateway</title>"));
      assertEquals(404, send(port, "GET", "/favicon.ico").statusCode());
      assertEquals(405, send(port, "POST", "/health").statusCode());
    }
  }

  @Test
  void aTakenPortOrOffMeansNoServerAndNoFailure() throws Exception {
    PrometheusMetrics metrics = new PrometheusMetrics();
    try (ServerSocket taken = new ServerSocket(0)) {
      Optional<StatusServer> s =
          StatusServer.start(
              new HttpSection(true, "127.0.0.1", taken.getLocalPort()),
              metrics,
              () -> new byte[0],
              () -> report("ok"),
              Thread::new);
      assertTrue(s.isEmpty());
    }
    assertTrue(
        StatusServer.start(
                HttpSection.off(), metrics, () -> new byte[0], () -> report("ok"), Thread::new)
            .isEmpty());
  }
}
