/**
 * The gateway's metrics, as adapters and the daemon see them: {@link
 * io.edgerule.adapter.metrics.Counter}s, {@link io.edgerule.adapter.metrics.Timer}s and gauges,
 * each a name plus {@link io.edgerule.adapter.metrics.Labels}, made once through {@link
 * io.edgerule.adapter.metrics.Metrics} and kept by the caller. No third-party types: the daemon
 * exports them in the Prometheus text format (docs/reference/metrics.md); {@link
 * io.edgerule.adapter.metrics.Metrics#local()} keeps them in the process for tests and tools.
 *
 * <p>Why bind once: the hot paths (a sample, a request) must not allocate or look a label set up in
 * a map. A meter is looked up when it is made and then used directly ({@code counter.increment()}),
 * which costs about as much as an {@code AtomicLong} increment.
 */
package io.edgerule.adapter.metrics;
