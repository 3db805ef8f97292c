package io.edgerule.daemon.pipeline;

import java.util.function.LongSupplier;

/**
 * How many gateway log lines one rule may cause per second ({@code pipeline.rule_log_lines}): a
 * token bucket holding one second's worth. A rule that logs (or raises alarms, or writes) faster
 * than that has its further lines suppressed and counted; the next line let through says how many
 * were suppressed. One rule used to write a million lines into the gateway's log in 40 s.
 */
final class LogBudget {
  private static final double NANOS_PER_SECOND = 1e9;

  private final double perSecond;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;
  private long suppressedSinceLast;

  LogBudget(int perSecond, LongSupplier nanoTime) {
    this.perSecond = perSecond;
    this.nanoTime = nanoTime;
    this.tokens = perSecond;
    this.last = nanoTime.getAsLong();
  }

  /**
   * Takes one line's token.
   *
   * @return -1 when the line must be suppressed; otherwise how many lines were suppressed since the
   *     last one let through (0 mostly), for the line to mention
   */
  synchronized long take() {
    long now = nanoTime.getAsLong();
    // In double, so a long quiet spell cannot overflow; never more than one second's worth.
    tokens = Math.min(perSecond, tokens + (now - last) / NANOS_PER_SECOND * perSecond);
    last = now;
    if (tokens < 1) {
      suppressedSinceLast++;
      return -1;
    }
    tokens -= 1;
    long s = suppressedSinceLast;
    suppressedSinceLast = 0;
    return s;
  }
}
