package io.edgerule.ota.fleet.sim;

import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TransportConfig;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.fleet.AuditLog;
import io.edgerule.ota.fleet.FleetTopics;
import io.edgerule.ota.fleet.Rollout;
import io.edgerule.ota.fleet.RolloutController;
import io.edgerule.ota.fleet.WaveJudge;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

/**
 * One fleet controller as {@code edgerule fleet rollout drive} runs it: an MQTT connection with a
 * client id of its own, one decision thread, the audit log file. It can be made to die right after
 * a chosen verdict (a controller killed mid-wave): nothing is decided after that verdict, its
 * connection is then dropped without waiting for anything; what it knew is only what the broker and
 * the audit file hold.
 */
final class SimController implements AutoCloseable {
  private final String name;
  private final String clientId;
  private final MqttTransport transport;
  private final MqttLink link;
  private final ScheduledExecutorService exec;
  private final RolloutController controller;
  private final CompletableFuture<Rollout> died = new CompletableFuture<>();
  private volatile long cpuAtDeath = -1;

  private SimController(String name, String broker, FleetTopics topics, Path auditFile)
      throws java.io.IOException {
    this.name = name;
    this.clientId = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.exec = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, name));
    this.transport =
        new MqttTransport(
            TransportConfig.builder(broker, clientId)
                .reconnect(Duration.ofMillis(100), Duration.ofSeconds(2))
                .build());
    this.link = MqttLink.of(transport);
    this.controller =
        new RolloutController(
            link,
            topics,
            new AuditLog(auditFile, "simulator", Clock.systemUTC()),
            exec,
            Clock.systemUTC());
  }

  /**
   * Connects and reads the broker's retained truth ({@link RolloutController#start}).
   *
   * @param name its decision thread's name, and its client id's beginning
   */
  static SimController start(
      String name, String broker, FleetTopics topics, Path auditFile, Duration limit)
      throws Exception {
    SimController c = new SimController(name, broker, topics, auditFile);
    try {
      c.transport.start();
      FleetScenario.await(limit, c.transport::isConnected, () -> name + " connects");
      c.controller.start().toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return c;
    } catch (Exception e) {
      c.close();
      throw e;
    }
  }

  RolloutController controller() {
    return controller;
  }

  MqttLink link() {
    return link;
  }

  /** Judges the current wave every {@code every}, as the command does. */
  ScheduledFuture<?> drive(Duration every) {
    return controller.drive(every);
  }

  /**
   * Judges every {@code every} until the first verdict {@code dies} accepts (given the rollout as
   * it is after the verdict), then dies: its decision thread stops on the spot, so no later step
   * decides anything. {@link #died()} then completes with the rollout as the dead controller left
   * it.
   */
  void driveUntil(Duration every, BiPredicate<Rollout, WaveJudge.Verdict> dies) {
    exec.scheduleWithFixedDelay(
        () ->
            // the step is queued behind this task on the same thread; its completion runs there too
            controller
                .step()
                .whenComplete(
                    (v, e) -> {
                      Rollout after = controller.rollout().orElse(null);
                      if (e == null && v != null && after != null && dies.test(after, v)) {
                        cpuAtDeath = cpuNanos(ManagementFactory.getThreadMXBean());
                        exec.shutdownNow(); // from its own thread: nothing after this verdict
                        died.complete(after);
                      }
                    }),
        0,
        every.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  CompletableFuture<Rollout> died() {
    return died;
  }

  /** Drops the connection at once (no quiesce for outstanding publishes: there are none). */
  void kill() {
    exec.shutdownNow();
    transport.close(Duration.ZERO);
  }

  /** CPU time of its decision thread and its MQTT client's threads (at its death if it died). */
  long cpuNanos(ThreadMXBean mx) {
    if (cpuAtDeath >= 0) {
      return cpuAtDeath;
    }
    long sum = 0;
    for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (ti == null) {
        continue;
      }
      String n = ti.getThreadName();
      if (n.equals(name) || n.contains(clientId)) {
        long c = mx.getThreadCpuTime(ti.getThreadId());
        if (c > 0) {
          sum += c;
        }
      }
    }
    return sum;
  }

  @Override
  public void close() {
    exec.shutdownNow();
    transport.close();
  }
}
