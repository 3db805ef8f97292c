package io.edgerule.adapter.metrics;

import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Makes meters. The daemon lends one to every adapter ({@link
 * io.edgerule.adapter.AdapterContext#metrics()}) and exports everything made through it on its
 * Prometheus endpoint.
 *
 * <p>Asking twice for the same name and labels returns the same meter (an adapter restarted by a
 * reload goes on counting). One name has one kind, one help text and one set of label names: asking
 * for it with other label names or as another kind throws {@link IllegalArgumentException}. Make
 * meters when a device or rule is set up, keep them, and use them on the hot path; never make one
 * per sample.
 */
public interface Metrics {

  /**
   * A counter; {@code name} ends in {@code _total}.
   *
   * @param help one line saying what it counts (the exported HELP)
   */
  Counter counter(String name, String help, Labels labels);

  /** A timer; {@code name} ends in {@code _seconds}, the unit it is exported in. */
  Timer timer(String name, String help, Labels labels);

  /**
   * A gauge whose value {@code value} gives when it is read (a queue's depth, a backlog). The
   * supplier is called at scrape time from another thread: it must be cheap and thread-safe.
   * Registering the same name and labels again replaces the supplier.
   */
  void gauge(String name, String help, Labels labels, DoubleSupplier value);

  /**
   * A counter whose total {@code total} gives when it is read: for totals a component already keeps
   * (a queue's accepted and dropped events, an outbox's drops). {@code name} ends in {@code
   * _total}; the supplier must never go down, be cheap and thread-safe. Registering the same name
   * and labels again replaces the supplier.
   */
  void counterOf(String name, String help, Labels labels, LongSupplier total);

  /**
   * Meters that live in this process only, exported nowhere: for tests, tools, and adapters run
   * outside the daemon.
   */
  static LocalMetrics local() {
    return new LocalMetrics();
  }
}
