package io.edgerule.adapter;

import java.util.Objects;

/** The outcome of a {@link WriteCommand}. {@code detail} explains anything but OK. */
public record WriteResult(WriteCommand command, Status status, String detail) {
  public enum Status {
    /** The device confirmed the write. */
    OK,
    /**
     * Refused before reaching the device: unknown or read-only point, value out of range for type.
     */
    REJECTED,
    /** The device answered with an error (e.g. a Modbus exception response). */
    FAILED,
    /** No answer in time, or the connection is down. */
    TIMEOUT
  }

  public WriteResult {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(status, "status");
    detail = detail == null ? "" : detail;
  }

  public static WriteResult ok(WriteCommand command) {
    return new WriteResult(command, Status.OK, "");
  }

  public static WriteResult rejected(WriteCommand command, String detail) {
    return new WriteResult(command, Status.REJECTED, detail);
  }

  public static WriteResult failed(WriteCommand command, String detail) {
    return new WriteResult(command, Status.FAILED, detail);
  }

  public static WriteResult timeout(WriteCommand command, String detail) {
    return new WriteResult(command, Status.TIMEOUT, detail);
  }

  public boolean isOk() {
    return status == Status.OK;
  }
}
