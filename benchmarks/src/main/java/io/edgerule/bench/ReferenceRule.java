package io.edgerule.bench;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import java.util.List;

/**
 * The reference rule (examples/rules/avg_alarm.c) as plain Java: the moving average of the last 8
 * GOOD samples of one point, an alarm raised at 80.0 and cleared below 75.0. The baseline the
 * WebAssembly versions are measured against; it counts its "actions" instead of staging them.
 */
final class ReferenceRule {
  private static final int WINDOW = 8;
  private final double[] window = new double[WINDOW];
  private int filled;
  private int next;
  private double sum;
  private boolean raised;
  int actions;

  /** Plain Java on a 32-byte-record-free path: one value at a time. */
  void onSample(double v) {
    if (filled == WINDOW) {
      sum -= window[next];
    } else {
      filled++;
    }
    window[next] = v;
    sum += v;
    next = (next + 1) % WINDOW;
    double average = sum / filled;
    if (!raised && average >= 80.0) {
      raised = true;
      actions++;
    } else if (raised && average < 75.0) {
      raised = false;
      actions++;
    }
  }

  /** The same rule fed the gateway's event objects, as a Java rule API would. */
  void onEvents(List<PointEvent> batch) {
    for (int i = 0, n = batch.size(); i < n; i++) {
      PointEvent e = batch.get(i);
      if (e.quality().isGood() && e.value() instanceof PointValue.Float64 f) {
        onSample(f.value());
      }
    }
  }
}
