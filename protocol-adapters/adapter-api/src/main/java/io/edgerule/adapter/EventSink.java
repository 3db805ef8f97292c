package io.edgerule.adapter;

/**
 * Where an adapter delivers samples. Implementations are thread-safe and never block for long: the
 * daemon's sink stamps each sample and puts it on a bounded queue (and counts what it has to drop).
 */
@FunctionalInterface
public interface EventSink {
  void accept(PointSample sample);
}
