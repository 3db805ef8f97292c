package io.edgerule.sandbox.internal;

/**
 * A token bucket over batches: holds up to one second's worth of actions and refills at the rate. A
 * batch takes all its actions' tokens or none (the batch fails and commits nothing). Rule thread
 * only.
 */
public final class ActionRate {
  private final int perSecond;
  private double tokens;
  private long lastMillis = Long.MIN_VALUE;

  public ActionRate(int perSecond) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
  }

  public int perSecond() {
    return perSecond;
  }

  /**
   * @return true and takes the tokens if {@code actions} fit at time {@code nowMillis}
   */
  public boolean tryTake(int actions, long nowMillis) {
    if (lastMillis != Long.MIN_VALUE && nowMillis > lastMillis) {
      // In double: the long product (and, far apart, the difference) overflows for long gaps at
      // high rates (107 days at 10^9/s), which would refuse a batch after a long quiet spell.
      double elapsedMillis = (double) nowMillis - (double) lastMillis;
      tokens = Math.min(perSecond, tokens + elapsedMillis * perSecond / 1000.0);
    }
    lastMillis = Math.max(lastMillis, nowMillis);
    if (actions > tokens) {
      return false;
    }
    tokens -= actions;
    return true;
  }
}
