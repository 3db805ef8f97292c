package io.edgerule.adapter.modbus.internal;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Report by exception: decides whether a freshly read value is worth an event. A value is reported
 * when it is the first for its point, when its quality differs from the last reported one (status
 * or reason), when it moved more than the deadband away from the last reported value (any change
 * when the deadband is 0), or when an integrity report is due. Not thread-safe: one poller owns it.
 */
public final class ReportFilter {
  private record Reported(PointValue value, Quality quality) {}

  private final Map<String, Reported> last = new HashMap<>();

  /**
   * Returns true when the sample must be reported, and then remembers it as the last reported.
   *
   * @param point the point's key (its name)
   * @param deadband the absolute deadband (0 = every change)
   * @param value the new value, null when none could be read
   * @param quality the new quality
   * @param integrity true during an integrity report: report regardless
   */
  public boolean offer(
      String point, double deadband, PointValue value, Quality quality, boolean integrity) {
    Reported previous = last.get(point);
    boolean report =
        integrity
            || previous == null
            || !previous.quality().equals(quality)
            || (quality.isGood() && changed(previous.value(), value, deadband));
    if (report) {
      last.put(point, new Reported(value, quality));
    }
    return report;
  }

  /** The quality last reported for {@code point}, or null if none was. */
  public Quality lastQuality(String point) {
    Reported r = last.get(point);
    return r == null ? null : r.quality();
  }

  private static boolean changed(PointValue before, PointValue now, double deadband) {
    if (before == null || now == null || deadband <= 0 || before.type() != now.type()) {
      return !Objects.equals(before, now);
    }
    double a = before.asDouble();
    double b = now.asDouble();
    if (Double.isNaN(a) || Double.isNaN(b)) {
      return Double.isNaN(a) != Double.isNaN(b);
    }
    return Math.abs(b - a) > deadband;
  }
}
