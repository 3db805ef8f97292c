package io.edgerule.daemon.uplink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.SampleLedger;
import io.edgerule.daemon.testing.UplinkGatewayMain;
import io.edgerule.mqtt.outbox.FlushPolicy;
import io.edgerule.mqtt.outbox.Outbox;
import io.edgerule.mqtt.outbox.OutboxConfig;
import io.edgerule.mqtt.testing.CuttableProxy;
import io.edgerule.mqtt.testing.Mosquitto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, test 2: the gateway (a child JVM) is killed with SIGKILL while its broker is
 * unreachable, at 10,000 samples/s; it is started again and the broker comes back. Nothing the
 * gateway had accepted from the device is missing: telemetry enters the outbox on the device's
 * thread ({@code TelemetryAtIngress}), per point as the device hands a sample in, in batch mode
 * when the device ends its read cycle, so every sample the device had handed over when the child
 * last reported its outbox durable ({@code durable <n>}) arrives, whatever the pipeline does: the
 * child's dispatch thread is held still after 2 s of samples (as a very busy one would be), so the
 * samples of the outage wait in the pipeline's queue, unseen by the rules, and are only in the
 * outbox if they were put there at ingress. Also: what the subscriber got before the outage and
 * what was on disk cover each point's samples from the first up to the last one on disk, everything
 * on disk arrives, and each point's samples arrive in order.
 *
 * <p>What cannot survive SIGKILL is the outbox's buffer of the last flush interval (100 ms by
 * default, see docs/reference/mqtt.md); the test prints how many samples that was.
 */
class GatewayKillIT {
  private static final int RATE = 10_000;
  private static final int POINTS = 10;

  @TempDir Path tmp;

  @Test
  void nothingAcceptedIsMissingAfterKillMinusNineWhileTheBrokerIsDown() throws Exception {
    killWhileTheBrokerIsDown("per_point", "edgerule/kill-gw/telemetry/#", 5);
  }

  /**
   * The same with telemetry batches: the device reads its 10 points once per cycle (1,000 cycles/s)
   * and ends each cycle; a cycle's batch is in the outbox when {@code cycleEnd} returns. A shorter
   * outage (3 s) keeps the run short.
   */
  @Test
  void inBatchModeNothingAcceptedIsMissingAfterKillMinusNineWhileTheBrokerIsDown()
      throws Exception {
    killWhileTheBrokerIsDown("batch", "edgerule/kill-gw/telemetry-batch/#", 3);
  }

  private void killWhileTheBrokerIsDown(String mode, String filter, int outageSeconds)
      throws Exception {
    Path state = tmp.resolve("state");
    try (Mosquitto broker =
            Mosquitto.start(
                tmp, null, List.of("max_queued_messages 0", "max_inflight_messages 0"));
        CuttableProxy link = new CuttableProxy(broker.port());
        SampleLedger ledger = new SampleLedger(broker.uri(), filter)) {
      String via = "tcp://127.0.0.1:" + link.port();
      Path log1 = tmp.resolve("run1.log");
      // The child's dispatch thread is held still after 2 s of samples: from then on nothing the
      // device hands in moves through the pipeline, and only what is made at ingress can survive.
      Process run1 = child(state, via, RATE, mode, 2L * RATE, log1);
      long producedAtKill;
      long durableAtKill;
      try {
        Poll.until(() -> ledger.distinct() >= 5_000, Duration.ofMinutes(3), "samples flow");
        Poll.until(
            () -> logSays(log1, "dispatcher held"),
            Duration.ofMinutes(3),
            "the child's dispatch thread is held");
        link.cut();
        long cutAt = produced(log1);
        Poll.until(
            () -> produced(log1) >= cutAt + (long) outageSeconds * RATE,
            Duration.ofMinutes(3),
            outageSeconds + " s of samples while the broker is unreachable");
        run1.destroyForcibly(); // SIGKILL
        assertTrue(run1.waitFor(60, TimeUnit.SECONDS), "killed");
        producedAtKill = produced(log1);
        durableAtKill = last(log1, "durable ");
      } finally {
        run1.destroyForcibly();
      }

      // What the dead gateway's outbox holds (opened by us, as the next start will).
      Map<String, List<Long>> onDisk = new HashMap<>();
      long diskMessages = 0;
      try (Outbox outbox =
          Outbox.open(
              OutboxConfig.of(
                  state.resolve("outbox.db"), FlushPolicy.every(Duration.ofMillis(100))))) {
        assertEquals("ok", outbox.check(), "the outbox file is sound after SIGKILL");
        for (Outbox.OutboundMessageWithId m : outbox.snapshot()) {
          String topic = m.message().topic();
          if (!topic.contains("/telemetry/") && !topic.contains("/telemetry-batch/")) {
            continue;
          }
          SampleLedger.samples(
              topic,
              m.message().payload(),
              (point, value) -> onDisk.computeIfAbsent(point, k -> new ArrayList<>()).add(value));
          diskMessages++;
        }
      }
      long receivedBeforeRestart = ledger.distinct();
      long acceptedUpTo = 0; // samples 0..acceptedUpTo-1 (over all points) were accepted
      List<String> gaps = new ArrayList<>();
      for (int p = 0; p < POINTS; p++) {
        String point = "p" + p;
        List<Long> values = onDisk.getOrDefault(point, List.of());
        long last = values.isEmpty() ? -1 : values.get(values.size() - 1);
        java.util.BitSet disk = new java.util.BitSet();
        values.forEach(v -> disk.set(Math.toIntExact(v)));
        for (long v = 0; v <= last; v++) {
          if (!ledger.has(point, v) && !disk.get((int) v) && gaps.size() < 10) {
            gaps.add(point + "#" + v);
          }
        }
        acceptedUpTo += last + 1;
      }
      assertEquals(List.of(), gaps, "accepted samples neither delivered nor on disk");
      assertTrue(diskMessages > 0, "the outage left a backlog on disk");

      link.restore();
      Path log2 = tmp.resolve("run2.log");
      Process run2 = child(state, via, 0, mode, 0, log2);
      try {
        for (Map.Entry<String, List<Long>> e : onDisk.entrySet()) {
          for (long v : e.getValue()) {
            String point = e.getKey();
            Poll.until(
                () -> ledger.has(point, v),
                Duration.ofMinutes(10),
                point + "#" + v + " (on disk at the kill) arrives after the restart");
          }
        }
      } finally {
        run2.destroy();
        run2.waitFor(60, TimeUnit.SECONDS);
        run2.destroyForcibly();
      }
      // Accepted before the last durable report: every one arrives.
      List<String> acceptedMissing = new ArrayList<>();
      for (long i = 0; i < durableAtKill && acceptedMissing.size() < 10; i++) {
        if (!ledger.has("p" + (i % POINTS), i / POINTS)) {
          acceptedMissing.add("p" + (i % POINTS) + "#" + (i / POINTS));
        }
      }
      long lost = 0;
      for (int p = 0; p < POINTS; p++) {
        List<Long> values = onDisk.getOrDefault("p" + p, List.of());
        long last = values.isEmpty() ? -1 : values.get(values.size() - 1);
        for (long v = 0; v <= last; v++) {
          if (!ledger.has("p" + p, v)) {
            lost++;
          }
        }
      }
      System.out.printf(
          "GatewayKillIT (%s): %d samples/s; device handed over %d samples before SIGKILL (last"
              + " report), %d of them reported durable; on disk or delivered %d (%d messages on"
              + " disk, undelivered, at the kill); arrived %d distinct (%d before the restart);"
              + " lost %d; duplicated %d; not on disk at the kill (the last flush interval) about"
              + " %d%n",
          mode,
          RATE,
          producedAtKill,
          durableAtKill,
          acceptedUpTo,
          diskMessages,
          ledger.distinct(),
          receivedBeforeRestart,
          lost,
          ledger.duplicates(),
          Math.max(0, producedAtKill - acceptedUpTo));
      assertTrue(durableAtKill > 5_000, "the child reported its outbox durable: " + durableAtKill);
      assertEquals(List.of(), acceptedMissing, "samples accepted before the last durable report");
      assertEquals(0, lost, "accepted samples lost");
      assertEquals(List.of(), ledger.orderViolations(), "order per point");
    }
  }

  /**
   * @param holdAfter events after which the child's dispatch thread is held still (0: never)
   */
  private static Process child(
      Path state, String broker, int rate, String mode, long holdAfter, Path log) throws Exception {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            UplinkGatewayMain.class.getName(),
            "kill-gw",
            state.toString(),
            broker,
            Integer.toString(rate),
            Integer.toString(POINTS),
            mode,
            Long.toString(holdAfter))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Whether the child printed a line {@code line}. */
  private static boolean logSays(Path log, String line) {
    try {
      return Files.readAllLines(log, UTF_8).contains(line);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The child's last progress report. */
  private static long produced(Path log) {
    return last(log, "produced ");
  }

  /** The number of the child's last report line starting with {@code prefix}; 0 if none. */
  private static long last(Path log, String prefix) {
    try {
      List<String> lines = Files.readAllLines(log, UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).startsWith(prefix)) {
          return Long.parseLong(lines.get(i).substring(prefix.length()).trim());
        }
      }
      return 0;
    } catch (java.io.IOException | NumberFormatException e) {
      return 0;
    }
  }
}
