package io.edgerule.adapter.modbus.internal;

import com.digitalpetri.modbus.ExceptionCode;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.ModbusTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Why a request failed, named so a person can act on it: the text of {@link #reason()} becomes the
 * BAD quality reason of the affected points.
 */
public sealed interface RequestFailure {
  String reason();

  /** No answer in time. */
  record Timeout(String reason) implements RequestFailure {}

  /** The device answered with a Modbus exception response. */
  record DeviceException(int functionCode, int exceptionCode) implements RequestFailure {
    @Override
    public String reason() {
      String name = ExceptionCode.from(exceptionCode).map(Enum::name).orElse("UNKNOWN");
      return "exception %02X %s".formatted(exceptionCode, name);
    }
  }

  /** The link is down: reconnect. */
  record LinkDown(String reason) implements RequestFailure {}

  /** An answer came that does not make sense (wrong function code, short data, ...). */
  record Garbled(String reason) implements RequestFailure {}

  /** Names a failed request's or connect's cause. */
  static RequestFailure classify(Throwable error, Duration timeout, String endpoint) {
    Throwable t = unwrap(error);
    if (t instanceof RequestFailedException f) {
      return f.failure();
    }
    if (t instanceof ModbusResponseException e) {
      return new DeviceException(e.getFunctionCode(), e.getExceptionCode());
    }
    if (t instanceof TimeoutException || t instanceof ModbusTimeoutException) {
      return new Timeout("timeout after " + timeout.toMillis() + " ms");
    }
    if (t instanceof LinkDownException) {
      return new LinkDown(t.getMessage());
    }
    if (t instanceof UnknownHostException) {
      return new LinkDown("unknown host '" + t.getMessage() + "'");
    }
    if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
      String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (message.contains("refused")) {
        return new LinkDown("connection refused by " + endpoint);
      }
      if (message.contains("timed out")) {
        return new LinkDown("connect timeout after " + timeout.toMillis() + " ms to " + endpoint);
      }
      return new LinkDown("cannot connect to " + endpoint + ": " + t.getMessage());
    }
    if (t instanceof IOException) {
      return new LinkDown("connection lost: " + t.getMessage());
    }
    if (t.getClass() == Exception.class && "not connected".equals(t.getMessage())) {
      return new LinkDown("not connected"); // digitalpetri's channel state machine
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return new Garbled("bad response: " + message);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
