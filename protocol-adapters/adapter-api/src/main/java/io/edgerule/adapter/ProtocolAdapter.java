package io.edgerule.adapter;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One running connection to field devices (a Modbus TCP device, an RS-485 bus, an OPC-UA session, a
 * Zigbee coordinator). It turns field data into {@link PointSample}s and carries writes back.
 *
 * <p>Contract: {@link #start} never blocks the caller; a device that is absent at start is reported
 * with BAD quality and retried with backoff, never fails the start. Every point the adapter offers
 * is listed by {@link #points()} before start. {@link #close()} stops all I/O and threads and is
 * idempotent.
 */
public interface ProtocolAdapter extends AutoCloseable {

  /** A short name for logs and health, e.g. "modbus-tcp:tank". */
  String name();

  /** The points this adapter offers, known from its configuration. */
  List<PointInfo> points();

  /** Starts I/O; samples go to {@code sink} from the adapter's own threads. */
  CompletionStage<Void> start(EventSink sink);

  /**
   * Writes one point. The stage completes with a {@link WriteResult} (never exceptionally):
   * REJECTED for unknown or read-only points and unconvertible values, FAILED/TIMEOUT for device
   * errors.
   */
  CompletionStage<WriteResult> write(WriteCommand command);

  AdapterHealth health();

  @Override
  void close();
}
