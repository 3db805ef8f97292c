package io.edgerule.daemon.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.edgerule.daemon.config.HttpSection;
import io.edgerule.daemon.metrics.PrometheusMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one HTTP server (the JDK's {@code com.sun.net.httpserver}, one thread), read-only:
 *
 * <ul>
 *   <li>{@code GET /metrics}: every meter in the Prometheus text format
 *   <li>{@code GET /health}: the {@link HealthReport} as JSON; 200 unless the pipeline is stuck
 *       (503)
 *   <li>{@code GET /api/state}: the gateway's state snapshot as JSON, with points and rule timings
 *   <li>{@code GET /}: the live status page, which polls the two JSON endpoints
 * </ul>
 *
 * A port that cannot be bound is logged and the gateway runs without the server: the status page is
 * never a reason to stop controlling the plant.
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private final HttpServer server;
  private final ExecutorService thread;

  private StatusServer(HttpServer server, ExecutorService thread) {
    this.server = server;
    this.thread = thread;
  }

  /**
   * Starts serving, or returns empty when {@code http.enabled} is false or the address cannot be
   * bound (logged as an error naming the address).
   *
   * @param state the state snapshot as JSON, made at each request
   * @param health the health report, made at each request
   */
  public static Optional<StatusServer> start(
      HttpSection http,
      PrometheusMetrics metrics,
      Supplier<byte[]> state,
      Supplier<HealthReport> health,
      ThreadFactory threads) {
    if (!http.enabled()) {
      log.info("http: off (http.enabled: false)");
      return Optional.empty();
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(http.address(), http.port()), 16);
    } catch (IOException | RuntimeException e) {
      log.error(
          "http: cannot listen on {}:{} ({}); the gateway runs without its status page, health and"
              + " metrics endpoints",
          http.address(),
          http.port(),
          e.toString());
      return Optional.empty();
    }
    byte[] page = resource("status.html");
    server.createContext(
        "/metrics",
        ex ->
            serve(
                ex,
                () -> {
                  ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
                  metrics.writeText(out);
                  return new Reply(200, metrics.textContentType(), out.toByteArray());
                }));
    server.createContext(
        "/health",
        ex ->
            serve(
                ex,
                () -> {
                  HealthReport r = health.get();
                  return new Reply(
                      "down".equals(r.status()) ? 503 : 200,
                      "application/json",
                      JSON.writeValueAsBytes(r));
                }));
    server.createContext(
        "/api/state", ex -> serve(ex, () -> new Reply(200, "application/json", state.get())));
    server.createContext(
        "/",
        ex ->
            serve(
                ex,
                () ->
                    ex.getRequestURI().getPath().equals("/")
                        ? new Reply(200, "text/html; charset=utf-8", page)
                        : new Reply(
                            404,
                            "text/plain; charset=utf-8",
                            "not found: try /, /health, /metrics or /api/state\n"
                                .getBytes(StandardCharsets.UTF_8))));
    ExecutorService thread = Executors.newSingleThreadExecutor(threads);
    server.setExecutor(thread);
    server.start();
    log.info(
        "http: status page on http://{}:{}/ (also /health, /metrics, /api/state)",
        http.address(),
        server.getAddress().getPort());
    return Optional.of(new StatusServer(server, thread));
  }

  /** The port it listens on (the one chosen when the config said 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private record Reply(int status, String contentType, byte[] body) {}

  private interface Body {
    Reply make() throws IOException;
  }

  private static void serve(HttpExchange ex, Body body) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      Reply r;
      try {
        r = body.make();
      } catch (RuntimeException | IOException e) {
        log.warn("http: {} failed: {}", ex.getRequestURI(), e.toString());
        r =
            new Reply(
                500,
                "text/plain; charset=utf-8",
                ("internal error: " + e + "\n").getBytes(StandardCharsets.UTF_8));
      }
      ex.getResponseHeaders().set("Content-Type", r.contentType());
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      boolean head = method.equals("HEAD");
      ex.sendResponseHeaders(r.status(), head ? -1 : r.body().length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(r.body());
        }
      }
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = StatusServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " next to StatusServer");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    thread.shutdownNow();
  }
}
