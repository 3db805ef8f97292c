package io.edgerule.adapter.opcua.internal;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/** Turns Milo's and Java's exceptions into sentences an operator can act on. */
public final class Errors {
  private Errors() {}

  /** {@code Bad_Timeout (The operation timed out.)}, or the hex code for unknown codes. */
  public static String describeStatus(long code) {
    return StatusCodes.lookup(code)
        .map(nd -> nd[1] == null || nd[1].isEmpty() ? nd[0] : nd[0] + " (" + nd[1] + ")")
        .orElse(String.format("status 0x%08X", code));
  }

  /** The symbolic name alone, e.g. {@code Bad_NodeIdUnknown}. */
  public static String statusName(long code) {
    return StatusCodes.lookup(code).map(nd -> nd[0]).orElse(String.format("0x%08X", code));
  }

  public static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** The status code carried by the exception or one of its causes. */
  public static Optional<Long> status(Throwable t) {
    return UaException.extractStatusCode(t).map(StatusCode::value);
  }

  /**
   * A sentence for a failure while talking to {@code where} (host:port).
   *
   * @param t what failed
   * @param where the server's host:port, for messages about the network
   * @param timeoutMillis the request timeout, for messages about timeouts
   */
  public static String describe(Throwable t, String where, long timeoutMillis) {
    Throwable e = unwrap(t);
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof UnknownHostException) {
        return "unknown host in " + where + " (DNS cannot resolve it)";
      }
      if (c instanceof NoRouteToHostException) {
        return "no route to " + where;
      }
      if (c instanceof ConnectException) {
        return "connection refused by " + where + " (is the server running and the port right?)";
      }
      if (c instanceof TimeoutException) {
        return "no answer from " + where + " within " + timeoutMillis + " ms";
      }
      if (c instanceof ClosedChannelException) {
        return "the connection to " + where + " was closed";
      }
    }
    Optional<Long> status = status(e);
    if (status.isPresent()) {
      long code = status.get();
      String own = ownMessage(e);
      if (code == StatusCodes.Bad_Timeout || code == StatusCodes.Bad_RequestTimeout) {
        return "no answer from "
            + where
            + " within "
            + timeoutMillis
            + " ms ("
            + statusName(code)
            + ")";
      }
      if (code == StatusCodes.Bad_ConnectionRejected) {
        return "connection refused by " + where + " (is the server running and the port right?)";
      }
      if (code == StatusCodes.Bad_ConnectionClosed
          || code == StatusCodes.Bad_SecureChannelClosed
          || code == StatusCodes.Bad_ServerNotConnected
          || code == StatusCodes.Bad_NotConnected) {
        return "the connection to " + where + " was lost (" + statusName(code) + ")";
      }
      if (own != null) {
        return own;
      }
      return describeStatus(code);
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /** The exception's own message when it is a sentence rather than Milo's "status=..." form. */
  private static String ownMessage(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof UaException u) {
        String m = u.getMessage();
        if (m != null && !m.startsWith("status=") && !m.contains("Exception")) {
          return m;
        }
      }
    }
    return null;
  }
}
