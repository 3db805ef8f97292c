package io.edgerule.adapter.modbus.internal;

import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import com.digitalpetri.modbus.pdu.ModbusResponsePdu;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The "client" a {@link DevicePoller} talks through: a TCP connection to one device, or a serial
 * bus (or RTU-over-TCP socket) shared by several units.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Nothing blocks; every stage completes on the link's own threads.
 *   <li>{@link #send} completes exceptionally on failure with whatever the transport reports;
 *       {@link RequestFailure#classify} names it. A failure that means "the link is down" must be
 *       recognisable there (a {@link java.io.IOException}, {@link java.net.ConnectException} or
 *       {@link LinkDownException}), so the poller reconnects; anything else only marks the
 *       request's points BAD. A link may queue requests (a serial bus allows one outstanding
 *       request); it then times each response from when its request goes on the wire, not from when
 *       it was queued. The poller never has more than one request outstanding per device, and
 *       applies no timeout of its own.
 *   <li>A poller calls {@link #connect} before it sends and {@link #disconnect} after a link-down
 *       failure, then {@link #connect} again after its backoff. A link shared by several pollers (a
 *       bus) may treat these as "open the port if it is not open".
 *   <li>When the link notices by itself that it went down, it fails the requests in flight with a
 *       {@link LinkDownException} and tells the listener.
 * </ul>
 */
public interface ModbusLink extends AutoCloseable {

  /** Where the link goes, for messages: "192.168.1.20:502", "/dev/ttyUSB0". */
  String endpoint();

  CompletionStage<Void> connect();

  CompletionStage<Void> disconnect();

  CompletionStage<ModbusResponsePdu> send(int unitId, ModbusRequestPdu request);

  /** {@code listener} is called with a reason when the link goes down by itself. */
  void onLinkDown(Consumer<String> listener);

  /** Disconnects and releases the link's resources; idempotent. */
  @Override
  void close();
}
