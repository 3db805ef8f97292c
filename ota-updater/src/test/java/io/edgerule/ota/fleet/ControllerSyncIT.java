package io.edgerule.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TransportConfig;
import io.edgerule.mqtt.testing.Await;
import io.edgerule.mqtt.testing.HiveMq;
import io.edgerule.mqtt.testing.Mosquitto;
import io.edgerule.mqtt.testing.TestBroker;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.device.UpdateStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A controller that starts (or restarts) must know everything the broker retains before it decides
 * anything: the rollout and every gateway's status and follow report. MQTT 3.1.1 says nothing about
 * when a subscription's retained messages arrive relative to other messages: Mosquitto sends them
 * all before its next packet, HiveMQ sends a wildcard's retained messages in batches of 25 while
 * other traffic (the controller's own marker) goes on: with 5,000 gateways the marker came back
 * when a quarter to a third of their reports had arrived. Against both, with 5,000 gateways.
 */
class ControllerSyncIT {
  static final FleetTopics TOPICS = new FleetTopics("edgerule");
  static final int GATEWAYS = 5000;

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(TestBroker.Kind.class)
  void aStartedControllerKnowsEveryRetainedReportBeforeItDecides(TestBroker.Kind kind)
      throws Exception {
    // both brokers bound a client's queue to 1000 messages by default; 10,001 retained messages
    // come at once here (docs/reference/ota-topics.md, "The broker's queues")
    try (TestBroker broker =
            kind == TestBroker.Kind.MOSQUITTO
                ? Mosquitto.start(tmp, null, List.of("max_queued_messages 0"))
                : HiveMq.start(
                    tmp,
                    "<mqtt><queued-messages><max-queue-size>100000</max-queue-size>"
                        + "</queued-messages></mqtt>");
        MqttTransport fleet = connect(broker, "fleet")) {
      Rollout r = Rollouts.running(0, Rollouts.wave(100));
      ImageId img = r.image().id();
      Instant now = Instant.now();
      List<CompletableFuture<Void>> acks = new ArrayList<>();
      acks.add(
          fleet.publish(TOPICS.rollout(), RolloutJson.write(r), 1, true).toCompletableFuture());
      for (int i = 0; i < GATEWAYS; i++) {
        String gw = "gw-" + i;
        acks.add(
            fleet
                .publish(
                    TOPICS.status(gw),
                    new UpdateStatus(img, UpdateState.COMMITTED, "", img, now).toJson(),
                    1,
                    true)
                .toCompletableFuture());
        acks.add(
            fleet
                .publish(
                    TOPICS.follow(gw),
                    new FollowReport(gw, r.id(), 1, 0, true, "", UpdateState.COMMITTED, img, now)
                        .toJson(),
                    1,
                    true)
                .toCompletableFuture());
        if (acks.size() >= 500) { // the transport's window is 1000
          CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
              .get(120, TimeUnit.SECONDS);
          acks.clear();
        }
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

      ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
      try (MqttTransport t = connect(broker, "controller")) {
        RolloutController c =
            new RolloutController(
                MqttLink.of(t),
                TOPICS,
                new AuditLog(tmp.resolve("audit.jsonl"), "test", Clock.systemUTC()),
                exec,
                Clock.systemUTC());
        c.start().toCompletableFuture().get(120, TimeUnit.SECONDS);
        // read at once: what the controller knew when it could first decide
        long complete =
            c.fleet().gateways().values().stream()
                .filter(g -> g.status() != null && g.follow() != null)
                .count();
        assertEquals(r, c.rollout().orElse(null), "the retained rollout");
        assertEquals(
            GATEWAYS,
            complete,
            "gateways with both reports known when start completed (" + c.fleet().counts() + ")");
      } finally {
        exec.shutdownNow();
      }
    }
  }

  private static MqttTransport connect(TestBroker broker, String who) throws Exception {
    MqttTransport t =
        new MqttTransport(
            TransportConfig.builder(broker.uri(), who + "-" + UUID.randomUUID())
                .maxInFlight(1000)
                .build());
    t.start();
    Await.until(Duration.ofSeconds(60), t::isConnected, () -> who + " connects");
    return t;
  }
}
