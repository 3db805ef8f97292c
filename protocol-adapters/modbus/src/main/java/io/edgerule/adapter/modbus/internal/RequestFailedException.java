package io.edgerule.adapter.modbus.internal;

import java.util.Objects;

/**
 * A link that already knows why a request failed says so with this: {@link RequestFailure#classify}
 * returns the carried failure as it is (the RTU bus names CRC errors, incomplete answers and
 * timeouts with details no generic exception carries).
 */
public final class RequestFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient RequestFailure failure;

  public RequestFailedException(RequestFailure failure) {
    super(Objects.requireNonNull(failure, "failure").reason(), null, false, false);
    this.failure = failure;
  }

  public RequestFailure failure() {
    return failure;
  }
}
