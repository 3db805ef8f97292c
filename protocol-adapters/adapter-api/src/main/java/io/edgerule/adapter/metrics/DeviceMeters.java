package io.edgerule.adapter.metrics;

/**
 * The three figures every device has whatever its protocol, under the same names, so that one
 * dashboard shows them all: polls (read cycles, subscription publishes or attribute reads: the
 * protocol's unit of asking), errors (requests that failed: timeouts, exception answers, garbled
 * frames, failed connects), and the latency of one request.
 *
 * <ul>
 *   <li>{@code edgerule_device_polls_total{protocol,device}}
 *   <li>{@code edgerule_device_errors_total{protocol,device}}
 *   <li>{@code edgerule_device_request_seconds{protocol,device}} (count, sum, p50, p99)
 * </ul>
 */
public record DeviceMeters(Counter polls, Counter errors, Timer latency) {
  public static final String POLLS = "edgerule_device_polls_total";
  public static final String ERRORS = "edgerule_device_errors_total";
  public static final String LATENCY = "edgerule_device_request_seconds";

  /** Makes (or finds again) the meters of one device. */
  public static DeviceMeters bind(Metrics metrics, String protocol, String device) {
    Labels labels = Labels.of("protocol", protocol, "device", device);
    return new DeviceMeters(
        metrics.counter(POLLS, "Poll cycles (or the protocol's unit of asking) started", labels),
        metrics.counter(ERRORS, "Requests or connects to the device that failed", labels),
        metrics.timer(LATENCY, "Round trip of one request to the device", labels));
  }
}
