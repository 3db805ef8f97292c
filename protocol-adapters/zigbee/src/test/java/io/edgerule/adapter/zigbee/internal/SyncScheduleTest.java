package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.Backoff;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Retries of a device's setup or read, on a clock the test moves. */
class SyncScheduleTest {
  private static final long S = 1_000_000_000L;
  private final SyncSchedule<String> schedule =
      new SyncSchedule<>(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 2));

  @Test
  void aFailedAttemptIsRetriedWithBoundedBackoffUntilOneWorks() {
    long now = 1000 * S;
    assertFalse(schedule.isDue("light", now), "nothing asked yet");
    schedule.request("light", now);
    Duration last = Duration.ZERO;
    for (int failure = 0; failure < 12; failure++) {
      assertTrue(schedule.start("light", now), "attempt " + failure + " is due");
      Duration delay = schedule.finished("light", false, now).orElseThrow();
      assertTrue(delay.compareTo(Duration.ofSeconds(30)) <= 0, "bounded: " + delay);
      assertTrue(delay.compareTo(Duration.ofMillis(800)) >= 0, "not at once: " + delay);
      if (failure < 4) {
        assertTrue(delay.compareTo(last) > 0, "grows: " + delay + " after " + last);
      }
      last = delay;
      assertFalse(schedule.isDue("light", now + delay.toNanos() - 1), "not before its delay");
      now += delay.toNanos();
    }
    assertTrue(last.compareTo(Duration.ofSeconds(24)) >= 0, "reached the cap (less jitter)");
    assertTrue(schedule.start("light", now));
    assertEquals(Optional.empty(), schedule.finished("light", true, now));
    assertFalse(schedule.isDue("light", now + 3600 * S), "done once it worked");
  }

  @Test
  void oneAttemptAtATimeAndAnAskWhileItRunsComesRightAfter() {
    long now = 5 * S;
    schedule.request("light", now);
    assertTrue(schedule.start("light", now));
    assertFalse(schedule.start("light", now), "one at a time");
    schedule.request("light", now); // the device announced itself while being read
    schedule.request("light", now); // ... three times
    assertEquals(Optional.of(Duration.ZERO), schedule.finished("light", false, now));
    assertTrue(schedule.start("light", now), "again at once, not after a backoff");
    assertEquals(Optional.empty(), schedule.finished("light", true, now));
  }

  @Test
  void anAskStartsTheBackoffAgain() {
    long now = 0;
    schedule.request("plug", now);
    for (int i = 0; i < 5; i++) {
      schedule.start("plug", now);
      now += schedule.finished("plug", false, now).orElseThrow().toNanos();
    }
    schedule.request("plug", now);
    assertTrue(schedule.start("plug", now));
    Duration delay = schedule.finished("plug", false, now).orElseThrow();
    assertTrue(delay.compareTo(Duration.ofSeconds(1)) <= 0, "first delay again: " + delay);
    schedule.forget("plug");
    assertFalse(schedule.isDue("plug", now + 3600 * S));
  }
}
