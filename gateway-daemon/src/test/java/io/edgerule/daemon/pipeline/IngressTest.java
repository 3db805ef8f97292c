package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IngressTest {
  private static final PointId P = PointId.parse("tank/level");
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private static PointSample sample(long v) {
    return PointSample.good(P, PointValue.of(v), Instant.EPOCH);
  }

  @Test
  void stampsStrictlyIncreasingSequencesFromManyThreads() throws Exception {
    Ingress ingress = new Ingress(100_000, CLOCK);
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; i < 5_000; i++) {
                  ingress.accept(sample(i));
                }
              });
      producers.add(th);
      th.start();
    }
    for (Thread th : producers) {
      th.join();
    }
    List<PointEvent> out = new ArrayList<>();
    while (ingress.drain(out, 1000, 0, TimeUnit.MILLISECONDS) && out.size() < 20_000) {}
    assertEquals(20_000, out.size());
    for (int i = 0; i < out.size(); i++) {
      assertEquals(i + 1, out.get(i).sequence(), "queue order is sequence order");
      assertEquals(CLOCK.instant(), out.get(i).receiveTime());
    }
  }

  @Test
  void aListIsQueuedInOrderWithOneReceiveTimeAndStillDropsTheOldestWhenFull() throws Exception {
    Ingress ingress = new Ingress(16, CLOCK);
    Ingress.Lane lane = ingress.lane("modbus");
    List<PointSample> response = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      response.add(sample(i));
    }
    lane.acceptAll(response);
    List<PointEvent> out = new ArrayList<>();
    assertTrue(ingress.drain(out, 100, 0, TimeUnit.MILLISECONDS));
    assertEquals(16, out.size());
    for (int i = 0; i < 16; i++) {
      assertEquals(PointValue.of(i + 4L), out.get(i).value(), "the 4 oldest were dropped");
      assertEquals(i + 5, out.get(i).sequence());
      assertEquals(CLOCK.instant(), out.get(i).receiveTime());
    }
    assertEquals(4, lane.dropped());
    assertEquals(4, ingress.dropped());
    assertEquals(20, ingress.accepted());
  }

  @Test
  void fullQueueDropsTheOldestAndCounts() throws Exception {
    Ingress ingress = new Ingress(16, CLOCK);
    for (int i = 0; i < 20; i++) {
      ingress.accept(sample(i));
    }
    assertEquals(4, ingress.dropped());
    assertEquals(20, ingress.accepted());
    List<PointEvent> out = new ArrayList<>();
    ingress.drain(out, 100, 0, TimeUnit.MILLISECONDS);
    assertEquals(16, out.size());
    assertEquals(PointValue.of(4L), out.get(0).value(), "the four oldest were dropped");
    assertEquals(5, out.get(0).sequence());
  }

  @Test
  void closeLetsTheConsumerDrainThenStop() throws Exception {
    Ingress ingress = new Ingress(16, CLOCK);
    ingress.accept(sample(1));
    ingress.close();
    ingress.accept(sample(2)); // refused after close, counted
    assertEquals(1, ingress.dropped());
    List<PointEvent> out = new ArrayList<>();
    assertTrue(ingress.drain(out, 10, 0, TimeUnit.MILLISECONDS));
    assertEquals(1, out.size());
    assertFalse(ingress.drain(out, 10, 10, TimeUnit.MILLISECONDS), "closed and empty");
  }

  @Test
  void aFloodingLaneDropsItsOwnEventsNotTheOthers() throws Exception {
    Ingress ingress = new Ingress(16, CLOCK);
    Ingress.Lane quiet = ingress.lane("quiet");
    Ingress.Lane flood = ingress.lane("flood");
    quiet.accept(sample(-1));
    for (int i = 0; i < 1_000; i++) {
      flood.accept(sample(i));
    }
    quiet.accept(sample(-2));
    assertEquals(986, flood.dropped(), "16 - 2 of the flood's 1000 stay queued");
    assertEquals(0, quiet.dropped());
    assertEquals(986, ingress.dropped());
    List<PointEvent> out = new ArrayList<>();
    ingress.drain(out, 100, 0, TimeUnit.MILLISECONDS);
    assertEquals(16, out.size());
    assertEquals(PointValue.of(-1L), out.get(0).value(), "the quiet lane's oldest survived");
    assertEquals(PointValue.of(-2L), out.get(15).value());
    for (int i = 1; i < out.size(); i++) {
      assertTrue(out.get(i - 1).sequence() < out.get(i).sequence(), "merged in sequence order");
    }
  }

  @Test
  void theJournalSeesOneResponseInsideOneBurst() {
    Ingress ingress = new Ingress(100, CLOCK);
    List<String> seen = new ArrayList<>();
    ingress.journal(e -> seen.add("event " + e.sequence()));
    ingress.journalBurst(
        () -> {
          seen.add("open");
          return () -> seen.add("close");
        });
    ingress.lane("modbus").acceptAll(List.of(sample(1), sample(2), sample(3)));
    ingress.lane("modbus").accept(sample(4)); // one sample: no burst needed
    assertEquals(List.of("open", "event 1", "event 2", "event 3", "close", "event 4"), seen);
  }

  @Test
  void aCycleEndReachesTheJournalWithItsLanesLastSequenceAndNothingAfterClose() {
    Ingress ingress = new Ingress(100, CLOCK);
    List<String> seen = new ArrayList<>();
    ingress.journal(
        new IngressJournal() {
          @Override
          public void event(PointEvent e) {
            seen.add("event " + e.sequence());
          }

          @Override
          public void cycleEnd(String device, long through) {
            seen.add("end " + device + " " + through);
          }

          @Override
          public void close() {
            seen.add("close");
          }
        });
    Ingress.Lane modbus = ingress.lane("modbus");
    Ingress.Lane zigbee = ingress.lane("zigbee");
    modbus.cycleEnd("tank"); // before any sample: no cycle to end
    modbus.acceptAll(List.of(sample(1), sample(2)));
    zigbee.accept(sample(3));
    modbus.cycleEnd("tank");
    ingress.close();
    modbus.cycleEnd("tank");
    ingress.close();
    assertEquals(List.of("event 1", "event 2", "event 3", "end tank 2", "close"), seen);
  }

  @Test
  void drainDoesTheJournalsDueWorkWhileItWaits() throws Exception {
    Ingress ingress = new Ingress(100, CLOCK);
    // Nothing is due until the test says so (set and read on this thread: the drain's caller).
    long[] dueAt = {Long.MAX_VALUE};
    List<Long> done = new ArrayList<>(); // written under the ingress lock, read after the drain
    CountDownLatch ran = new CountDownLatch(1);
    ingress.journal(
        new IngressJournal() {
          @Override
          public void event(PointEvent e) {}

          @Override
          public long nanosUntilDue(long now, long max) {
            return done.isEmpty() ? Math.min(max, Math.max(0, dueAt[0] - now)) : max;
          }

          @Override
          public void due(long now) {
            if (done.isEmpty() && now - dueAt[0] >= 0) {
              done.add(now);
              ran.countDown();
            }
          }
        });
    List<PointEvent> out = new ArrayList<>();
    assertTrue(ingress.drain(out, 10, 0, TimeUnit.MILLISECONDS));
    assertEquals(List.of(), done, "not due, and a drain without a timeout does not wait");
    dueAt[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    Thread closer =
        new Thread(
            () -> {
              try {
                ran.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              ingress.close();
            });
    closer.start();
    // Nothing is queued: the drain would wait its whole minute unless it woke for the due work.
    assertFalse(ingress.drain(out, 10, 60, TimeUnit.SECONDS), "closed and empty");
    closer.join();
    assertEquals(1, done.size(), "the due work ran once, inside the drain");
    assertTrue(done.get(0) - dueAt[0] >= 0, "not before it was due");
  }

  @Test
  void drainMergesManyLanesInSequenceOrderWhateverItsMaxAndTheRunLengths() throws Exception {
    Ingress ingress = new Ingress(100_000, CLOCK);
    List<Ingress.Lane> lanes = new ArrayList<>();
    for (int l = 0; l < 7; l++) {
      lanes.add(ingress.lane("dev" + l));
    }
    java.util.Random random = new java.util.Random(17);
    int total = 0;
    for (int round = 0; round < 400; round++) {
      Ingress.Lane lane = lanes.get(random.nextInt(lanes.size()));
      int n = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(120); // single samples and responses
      List<PointSample> burst = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        burst.add(sample(total + i));
      }
      if (n == 1) {
        lane.accept(burst.get(0));
      } else {
        lane.acceptAll(burst);
      }
      total += n;
    }
    ingress.retire(lanes.get(3)); // drained to the end, then gone
    List<PointEvent> out = new ArrayList<>();
    while (out.size() < total) {
      int before = out.size();
      ingress.drain(out, 1 + random.nextInt(150), 0, TimeUnit.MILLISECONDS);
      assertTrue(out.size() > before, "drain took nothing with " + (total - before) + " queued");
    }
    assertEquals(total, out.size());
    for (int i = 0; i < total; i++) {
      assertEquals(i + 1, out.get(i).sequence(), "merged in sequence order");
    }
    assertEquals(0, ingress.depth());
  }
}
