package io.edgerule.mqtt.outbox;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.outbox.Outbox.OutboundMessageWithId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kill -9} of a writer while it appends, many times over the same file: after each kill the
 * store opens without error, passes SQLite's quick_check, and holds every message the writer
 * reported durable, in order, with nothing missing in between.
 */
class OutboxCrashIT {
  private static final int KILLS = 5; // kill points per policy: 8 took 370 s on a loaded machine

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"each", "interval"})
  void everyMessageReportedDurableSurvivesKillDashNine(String policy) throws Exception {
    Path file = dir.resolve("outbox.db");
    Random random = new Random(policy.hashCode());
    long total = 0;
    for (int round = 0; round < KILLS; round++) {
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashWriterMain.class.getName(),
                  file.toString(),
                  policy)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      AtomicLong reported = new AtomicLong(-1);
      AtomicLong first = new AtomicLong(-1);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    long n = Long.parseLong(line.substring(2));
                    first.compareAndSet(-1, n);
                    reported.set(n);
                  }
                } catch (Exception e) {
                  // the child died: the pipe closes
                }
              });
      reader.start();
      // Kill at a different point each round: after a random number of further durable messages.
      long target = 50 + random.nextInt(1000);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while ((first.get() < 0 || reported.get() < first.get() + target)
          && System.nanoTime() < deadline
          && child.isAlive()) {
        Thread.sleep(2); // polling the child's progress, bounded by the deadline
      }
      assertTrue(child.isAlive(), "writer died by itself in round " + round);
      child.destroyForcibly(); // SIGKILL
      child.waitFor();
      reader.join(10_000);
      long durable = reported.get();
      assertTrue(durable > first.get(), "round " + round + ": the writer made progress");

      try (Outbox o = Outbox.open(OutboxConfig.of(file, FlushPolicy.everyMessage()))) {
        assertEquals("ok", o.check(), "round " + round);
        List<OutboundMessageWithId> all = o.snapshot();
        assertTrue(
            all.size() >= durable,
            "round " + round + ": " + all.size() + " stored, " + durable + " reported durable");
        for (int i = 0; i < all.size(); i++) {
          OutboundMessageWithId m = all.get(i);
          assertEquals(i + 1, m.id(), "round " + round + ": no gap");
          assertEquals(
              Long.toString(i + 1), new String(m.message().payload(), UTF_8), "id " + m.id());
        }
        total = all.size();
      }
    }
    assertTrue(total > KILLS * 50L, "appended " + total);
  }
}
