package io.edgerule.mqtt.outbox.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order in which one connection's worth of messages goes out. Messages up to {@code boundary}
 * (committed before the connection) are the backlog; later ones are live. When both wait, a share
 * of the sends goes to the backlog, the rest to live messages, so a long backlog does not starve
 * live data. Per topic the id order is kept: a live message whose topic still has unsent backlog is
 * held back and goes out (as backlog) after the backlog range, before any later live message of its
 * topic. Across topics, live messages may overtake backlog.
 */
public final class ReplayPlan {
  /** Reads the messages to send with {@code after < id <= upTo} in id order (committed or not). */
  public interface Source {
    List<StoredMessage> read(long after, long upTo, int limit);
  }

  private static final int PAGE = 256;

  private final Source source;
  private final long boundary;
  private final Map<String, Long> backlogLast;
  private final double share;
  private final int maxHeld;

  private final ArrayDeque<StoredMessage> backlog = new ArrayDeque<>();
  private final ArrayDeque<StoredMessage> live = new ArrayDeque<>();
  private final ArrayDeque<StoredMessage> held = new ArrayDeque<>();
  private final Map<String, Integer> heldPerTopic = new HashMap<>();
  private long backlogCursor;
  private long liveCursor;
  private boolean backlogRangeDone;
  private long contestedBacklog;
  private long contestedTotal;

  /**
   * @param boundary the last committed id when the connection came up
   * @param backlogLast each topic's last id up to {@code boundary}
   */
  public ReplayPlan(
      Source source, long boundary, Map<String, Long> backlogLast, double share, int maxHeld) {
    this.source = source;
    this.boundary = boundary;
    this.backlogLast = backlogLast;
    this.share = share;
    this.maxHeld = maxHeld;
    this.liveCursor = boundary;
  }

  /** The next message to send, or null when nothing is waiting. */
  public StoredMessage next() {
    StoredMessage b = peekBacklog();
    StoredMessage l = peekLive();
    if (b == null && l == null) {
      return null;
    }
    boolean takeBacklog;
    if (b != null && l != null) {
      takeBacklog = contestedBacklog < share * (contestedTotal + 1);
      contestedTotal++;
      if (takeBacklog) {
        contestedBacklog++;
      }
    } else {
      takeBacklog = b != null;
    }
    if (!takeBacklog) {
      return live.poll();
    }
    if (!backlogRangeDone) {
      return backlog.poll();
    }
    StoredMessage h = held.poll();
    heldPerTopic.merge(h.topic(), -1, (x, y) -> x + y == 0 ? null : x + y);
    return h;
  }

  /** True while backlog (or held live messages) remain. */
  public boolean replaying() {
    return !backlogRangeDone || !held.isEmpty();
  }

  /** The last id read from the store; a commit beyond it means new messages. */
  public long liveCursor() {
    return liveCursor;
  }

  public int held() {
    return held.size();
  }

  private StoredMessage peekBacklog() {
    if (!backlogRangeDone && backlog.isEmpty()) {
      List<StoredMessage> page = source.read(backlogCursor, boundary, PAGE);
      if (page.isEmpty()) {
        backlogRangeDone = true;
      } else {
        backlog.addAll(page);
        backlogCursor = page.get(page.size() - 1).id();
      }
    }
    return backlogRangeDone ? held.peek() : backlog.peek();
  }

  /** Every backlog-range message with an id below this has been handed out. */
  private long backlogProgress() {
    if (backlogRangeDone) {
      return Long.MAX_VALUE;
    }
    return backlog.isEmpty() ? backlogCursor + 1 : backlog.peek().id();
  }

  private StoredMessage peekLive() {
    while (true) {
      if (live.isEmpty()) {
        List<StoredMessage> page = source.read(liveCursor, Long.MAX_VALUE, PAGE);
        if (page.isEmpty()) {
          return null;
        }
        live.addAll(page);
        liveCursor = page.get(page.size() - 1).id();
      }
      StoredMessage h = live.peek();
      Long last = backlogLast.get(h.topic());
      boolean topicClear =
          !heldPerTopic.containsKey(h.topic()) && (last == null || backlogProgress() > last);
      if (topicClear) {
        return h;
      }
      if (held.size() >= maxHeld) {
        return null;
      }
      held.add(live.poll());
      heldPerTopic.merge(h.topic(), 1, Integer::sum);
    }
  }
}
