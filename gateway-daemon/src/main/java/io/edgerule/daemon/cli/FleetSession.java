package io.edgerule.daemon.cli;

import io.edgerule.mqtt.ConnectionListener;
import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TransportConfig;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.fleet.AuditLog;
import io.edgerule.ota.fleet.FleetTopics;
import io.edgerule.ota.fleet.RolloutController;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One fleet command's connection to the broker and the controller on it: connects (failing with the
 * broker's reason on the first refused attempt, not retrying forever), then reads the broker's
 * retained truth ({@link RolloutController#start}) before anything is decided. Closing ends every
 * thread it started.
 */
final class FleetSession implements AutoCloseable {
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);

  private final MqttTransport transport;
  private final MqttLink link;
  private final FleetTopics topics;
  private final ScheduledExecutorService exec;
  private final RolloutController controller;
  private final String broker;

  private FleetSession(MqttTransport transport, FleetTopics topics, AuditLog audit, String broker) {
    this.transport = transport;
    this.link = MqttLink.of(transport);
    this.topics = topics;
    this.broker = broker;
    this.exec =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fleet-controller");
              t.setDaemon(true);
              return t;
            });
    this.controller = new RolloutController(link, topics, audit, exec, Clock.systemUTC());
  }

  /**
   * Connects and reads the retained rollout and every gateway's reports.
   *
   * @param audit where decisions and commands are recorded (a command that changes nothing never
   *     writes it)
   * @throws IllegalArgumentException for bad broker options (names the option)
   * @throws IOException when the broker cannot be reached or does not answer (says why)
   */
  static FleetSession open(BrokerOptions options, AuditLog audit)
      throws IOException, InterruptedException {
    FleetTopics topics;
    try {
      topics = new FleetTopics(options.prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--topic-prefix: " + e.getMessage());
    }
    TransportConfig config = options.transport();
    MqttTransport t;
    try {
      t = new MqttTransport(config);
    } catch (IOException e) {
      throw new IllegalArgumentException(optionNames(e.getMessage())); // names the file
    }
    CompletableFuture<Void> up = new CompletableFuture<>();
    t.addListener(
        new ConnectionListener() {
          @Override
          public void up(boolean reconnect) {
            up.complete(null);
          }

          @Override
          public void down(String reason, Throwable cause, boolean wasUp) {
            if (!wasUp) {
              up.completeExceptionally(new IOException(optionNames(reason)));
            }
          }
        });
    FleetSession s = new FleetSession(t, topics, audit, config.serverUri().toString());
    try {
      t.start();
      await(up, options.timeout().plusSeconds(1), "connecting to " + s.broker);
      await(s.controller.start(), SYNC_TIMEOUT, "reading the retained rollout from " + s.broker);
      return s;
    } catch (IOException | InterruptedException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * The transport words TLS problems with the config's setting names (tls.client_certificate); here
   * they are options.
   */
  static String optionNames(String message) {
    return message
        .replace("tls.ca_file", "--tls-ca-file")
        .replace("tls.client_certificate", "--tls-cert-file")
        .replace("tls.client_key", "--tls-key-file")
        .replace("tls.key_password", "--tls-key-password-file");
  }

  /** For a command that changes nothing: no audit record is ever written. */
  static FleetSession openReadOnly(BrokerOptions options) throws IOException, InterruptedException {
    return open(options, audit(Path.of("fleet-audit.jsonl")));
  }

  /** An audit log at {@code file}, recording the operator as {@code user@host}. */
  static AuditLog audit(Path file) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return new AuditLog(
        file, System.getProperty("user.name", "unknown") + "@" + host, Clock.systemUTC());
  }

  RolloutController controller() {
    return controller;
  }

  MqttLink link() {
    return link;
  }

  FleetTopics topics() {
    return topics;
  }

  String broker() {
    return broker;
  }

  /**
   * The retained message on {@code topic}, if the broker keeps one: a marker published after the
   * subscription comes back after the retained message (a broker sends those when it takes the
   * subscription, before it handles our next packet).
   */
  Optional<byte[]> retained(String topic) throws IOException, InterruptedException {
    CompletableFuture<byte[]> found = new CompletableFuture<>();
    String marker = topics.prefix() + "/fleet/sync/" + UUID.randomUUID();
    CompletableFuture<Void> synced = new CompletableFuture<>();
    try {
      await(
          link.subscribe(topic, 1, m -> found.complete(m.payload()))
              .thenCompose(v -> link.subscribe(marker, 1, m -> synced.complete(null)))
              .thenCompose(v -> link.publish(marker, new byte[] {1}, 1, false))
              .thenCompose(v -> synced),
          SYNC_TIMEOUT,
          "reading " + topic);
    } finally {
      link.unsubscribe(topic);
      link.unsubscribe(marker);
    }
    byte[] b = found.getNow(null);
    return b == null || b.length == 0 ? Optional.empty() : Optional.of(b);
  }

  /** Waits for a stage; its failure becomes an IOException (or the IllegalStateException). */
  static <T> T await(CompletionStage<T> stage, Duration timeout, String what)
      throws IOException, InterruptedException {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IllegalStateException ise) {
        throw ise;
      }
      if (c instanceof IOException io) {
        throw new IOException(what + ": " + io.getMessage(), io);
      }
      throw new IOException(what + ": " + c.getMessage(), c);
    } catch (TimeoutException e) {
      throw new IOException(what + ": no answer within " + timeout.toSeconds() + " s", e);
    }
  }

  @Override
  public void close() {
    exec.shutdownNow();
    transport.close();
  }
}
