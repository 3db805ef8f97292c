package io.edgerule.adapter.modbus.internal;

import io.edgerule.adapter.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link DevicePoller} polls one device.
 *
 * @param device the device name (first segment of the point ids)
 * @param unitId the unit id of every request
 * @param pollInterval time between the starts of two read cycles
 * @param timeout the link's response timeout (only used in messages here)
 * @param retries how often a read is repeated after a timeout or garbled answer
 * @param reconnect backoff between connection attempts
 * @param integrityInterval how often every point is reported; zero for never
 * @param limits how reads are coalesced
 */
public record PollerSettings(
    String device,
    int unitId,
    Duration pollInterval,
    Duration timeout,
    int retries,
    Backoff reconnect,
    Duration integrityInterval,
    PlanLimits limits) {
  public PollerSettings {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(reconnect, "reconnect");
    Objects.requireNonNull(integrityInterval, "integrityInterval");
    Objects.requireNonNull(limits, "limits");
  }
}
