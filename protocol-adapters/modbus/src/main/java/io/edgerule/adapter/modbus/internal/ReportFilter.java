package io.edgerule.adapter.modbus.internal;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import java.util.Objects;

/**
 * Report by exception for one point: decides whether a freshly read value is worth an event. A
 * value is reported when it is the first, when its quality differs from the last reported one
 * (status or reason), when it moved more than the deadband away from the last reported value (any
 * change when the deadband is 0), or when an integrity report is due. A poller keeps one beside
 * each point (it used to keep one map by point name per device: a hash look-up and a new record per
 * sample). Not thread-safe: one poller owns it.
 */
public final class ReportFilter {
  private PointValue value;
  private Quality quality; // null: nothing reported yet

  /**
   * Returns true when the sample must be reported, and then remembers it as the last reported.
   *
   * @param deadband the absolute deadband (0 = every change)
   * @param value the new value, null when none could be read
   * @param quality the new quality
   * @param integrity true during an integrity report: report regardless
   */
  public boolean offer(double deadband, PointValue value, Quality quality, boolean integrity) {
    boolean report =
        integrity
            || this.quality == null
            || !this.quality.equals(quality)
            || (quality.isGood() && changed(this.value, value, deadband));
    if (report) {
      this.value = value;
      this.quality = quality;
    }
    return report;
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
