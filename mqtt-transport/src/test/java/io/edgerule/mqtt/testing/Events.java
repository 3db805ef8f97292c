package io.edgerule.mqtt.testing;

import io.edgerule.mqtt.ConnectionListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records a transport's connection events for assertions. */
public final class Events implements ConnectionListener {
  /** One event: up (reason null) or down. */
  public record Event(boolean up, boolean flag, String reason) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();

  @Override
  public void up(boolean reconnect) {
    events.add(new Event(true, reconnect, null));
  }

  @Override
  public void down(String reason, Throwable cause, boolean wasUp) {
    events.add(new Event(false, wasUp, reason));
  }

  /** The last few events, for failure messages. */
  public String recent() {
    List<Event> all = all();
    return all.size() + " events, last: " + all.subList(Math.max(0, all.size() - 3), all.size());
  }

  public List<Event> all() {
    return List.copyOf(events);
  }

  public long ups() {
    return events.stream().filter(Event::up).count();
  }

  public List<String> downReasons() {
    return events.stream().filter(e -> !e.up()).map(Event::reason).toList();
  }

  public void awaitUps(long n) throws InterruptedException {
    Await.until(Duration.ofSeconds(60), () -> ups() >= n, () -> "up #" + n + "; " + recent());
  }

  public void awaitDowns(long n) throws InterruptedException {
    Await.until(
        Duration.ofSeconds(60),
        () -> downReasons().size() >= n,
        () -> "down #" + n + "; " + recent());
  }

  /** The last down reason after at least {@code n} downs. */
  public String awaitDownReason(long n) throws InterruptedException {
    awaitDowns(n);
    List<String> reasons = downReasons();
    return reasons.get(reasons.size() - 1);
  }
}
