package io.edgerule.ota.fleet.sim;

import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TransportConfig;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.TrialPolicy;
import io.edgerule.ota.device.UpdateStatus;
import io.edgerule.ota.fleet.FleetTopics;
import io.edgerule.ota.trust.TrustRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Many virtual gateways in one JVM against a real broker: each runs the device side of updates
 * ({@link VirtualGateway}); they share a few MQTT connections ({@link SharedConnection}) and a
 * small pool of threads ({@link SerialScheduler}). A chosen share of them fails a chosen image (its
 * rules trap during the trial).
 */
final class VirtualFleet implements AutoCloseable {
  /**
   * @param broker {@code tcp://host:port}
   * @param gateways how many
   * @param connections MQTT connections they share (gateways are dealt round-robin)
   * @param idPrefix gateway ids are {@code <prefix>0001} ...
   * @param failing the image that fails on the chosen share (null: none)
   * @param failShare share of gateways (0..1) on which {@code failing} fails, chosen by a hash of
   *     the id independent of the rollout's buckets
   * @param spare ids that never fail (the canaries a test wants to pass)
   * @param threads the shared pool's size
   */
  record Settings(
      String broker,
      FleetTopics topics,
      int gateways,
      int connections,
      String idPrefix,
      Path dir,
      TrustRoot root,
      TrialPolicy policy,
      ImageId failing,
      double failShare,
      List<String> spare,
      int threads) {
    Settings {
      Objects.requireNonNull(broker, "broker");
      if (gateways < 1 || connections < 1 || connections > gateways) {
        throw new IllegalArgumentException("gateways >= 1, 1 <= connections <= gateways");
      }
      if (!(failShare >= 0 && failShare <= 1)) {
        throw new IllegalArgumentException("fail share must be in 0..1, got " + failShare);
      }
      spare = List.copyOf(spare);
    }
  }

  private final Settings settings;
  private final List<SharedConnection> connections = new ArrayList<>();
  private final List<VirtualGateway> gateways = new ArrayList<>();
  private final List<String> failingIds = new ArrayList<>();
  private final ExecutorService pool;
  private final ScheduledExecutorService timer;

  private VirtualFleet(Settings settings) {
    this.settings = settings;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            settings.threads(),
            r -> {
              Thread t = new Thread(r, "virtual-gateways-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "virtual-gateways-timer");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Connects, creates every gateway and boots it (installing {@code baseline} if given: the image
   * every gateway runs committed before the rollout), then lets them follow the fleet.
   */
  static VirtualFleet start(Settings s, byte[] baseline)
      throws IOException, InterruptedException, java.util.concurrent.ExecutionException {
    VirtualFleet f = new VirtualFleet(s);
    try {
      f.connect();
      f.create();
      List<CompletableFuture<?>> booted = new ArrayList<>();
      for (VirtualGateway g : f.gateways) {
        booted.add(g.boot(baseline, s.root()).toCompletableFuture());
      }
      CompletableFuture.allOf(booted.toArray(CompletableFuture[]::new)).get();
      List<CompletableFuture<?>> following = new ArrayList<>();
      for (VirtualGateway g : f.gateways) {
        following.add(g.follow().toCompletableFuture());
      }
      CompletableFuture.allOf(following.toArray(CompletableFuture[]::new)).get();
      return f;
    } catch (IOException
        | InterruptedException
        | RuntimeException
        | java.util.concurrent.ExecutionException e) {
      f.close();
      throw e;
    }
  }

  private void connect() throws IOException, InterruptedException {
    List<CompletableFuture<Void>> up = new ArrayList<>();
    for (int i = 0; i < settings.connections(); i++) {
      MqttTransport t =
          new MqttTransport(
              TransportConfig.builder(
                      settings.broker(), "virtual-fleet-" + ProcessHandle.current().pid() + "-" + i)
                  .maxInFlight(1000)
                  .reconnect(Duration.ofMillis(100), Duration.ofSeconds(2))
                  .build());
      CompletableFuture<Void> ready = new CompletableFuture<>();
      t.addListener(
          new io.edgerule.mqtt.ConnectionListener() {
            @Override
            public void up(boolean reconnect) {
              ready.complete(null);
            }
          });
      connections.add(new SharedConnection(t));
      t.start();
      up.add(ready);
    }
    try {
      CompletableFuture.allOf(up.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("virtual fleet: cannot connect to " + settings.broker() + ": " + e, e);
    }
  }

  private void create() throws IOException {
    Files.createDirectories(settings.dir());
    Clock clock = Clock.systemUTC();
    for (int i = 1; i <= settings.gateways(); i++) {
      String id = String.format("%s%05d", settings.idPrefix(), i);
      boolean fails = settings.failing() != null && !settings.spare().contains(id) && chosen(id);
      if (fails) {
        failingIds.add(id);
      }
      SharedConnection c = connections.get(i % connections.size());
      gateways.add(
          new VirtualGateway(
              id,
              settings.dir().resolve(id),
              fails ? settings.failing() : null,
              c.link(),
              settings.topics(),
              settings.root(),
              settings.policy(),
              new SerialScheduler(pool, timer),
              clock));
    }
  }

  /** Whether {@code id} is in the failing share: a hash of the id, not the rollout's bucket. */
  private boolean chosen(String id) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(("fails:" + id).getBytes(StandardCharsets.UTF_8));
      int v = ((h[0] & 0xff) << 8) | (h[1] & 0xff);
      return v < settings.failShare() * 65536;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  List<VirtualGateway> gateways() {
    return List.copyOf(gateways);
  }

  /** The gateways on which the failing image fails. */
  List<String> failingIds() {
    return List.copyOf(failingIds);
  }

  /** Gateways that do not satisfy {@code p} (empty: all do). */
  List<VirtualGateway> notYet(Predicate<VirtualGateway> p) {
    return gateways.stream().filter(p.negate()).toList();
  }

  /** Publishes acknowledged, failed, messages received from the broker, handed to gateways. */
  long[] mqttCounts() {
    long[] c = new long[4];
    for (SharedConnection s : connections) {
      c[0] += s.published();
      c[1] += s.failed();
      c[2] += s.received();
      c[3] += s.delivered();
    }
    return c;
  }

  /** A one-line picture of the fleet: how many gateways are in which last state. */
  String census() {
    java.util.Map<String, Integer> m = new java.util.TreeMap<>();
    for (VirtualGateway g : gateways) {
      UpdateStatus s = g.status();
      String k = (s == null ? "none" : s.state() + " " + s.image()) + " / runs " + g.active();
      m.merge(k, 1, Integer::sum);
    }
    return m.toString();
  }

  @Override
  public void close() {
    for (VirtualGateway g : gateways) {
      g.close();
    }
    for (SharedConnection c : connections) {
      c.close();
    }
    pool.shutdownNow();
    timer.shutdownNow();
  }
}
