package io.edgerule.ota.device;

import java.util.concurrent.CompletionException;

/** The message of a failure that came through a completion stage (its cause, not the wrapper). */
final class Failures {
  private Failures() {}

  static String message(Throwable e) {
    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }
}
