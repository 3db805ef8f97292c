package io.edgerule.sandbox.internal;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.runtime.WasmException;
import com.dylibso.chicory.wasm.ChicoryException;
import io.edgerule.adapter.DurationText;
import io.edgerule.sandbox.FailureKind;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rule code on the caller's thread under a deadline and turns every way it can fail into a
 * value: a rule's trap, overrun, stack or heap exhaustion never escapes as an exception.
 */
public final class GuardedCall {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedCall.class);

  private GuardedCall() {}

  /** How a guarded call ended. */
  public sealed interface Result<T> {}

  public record Ok<T>(T value) implements Result<T> {}

  public record Fault<T>(FailureKind kind, String message) implements Result<T> {}

  /** The calling thread was interrupted by someone other than the watchdog (host shutdown). */
  public record Interrupted<T>() implements Result<T> {}

  /**
   * @param what names the code for messages ("er_on_events")
   * @throws IllegalStateException if the watchdog cannot guard the call (scheduler shut down); the
   *     rule code has not run
   */
  public static <T> Result<T> run(
      Watchdog watchdog,
      Watchdog.Slot slot,
      Duration timeout,
      String what,
      String limitName,
      Supplier<T> body) {
    // Saturated: a deadline of more than 292 years (999999999h is a valid manifest value) would
    // overflow toNanos() with an ArithmeticException; it means "practically never".
    long nanos =
        timeout.compareTo(Watchdog.LONGEST) >= 0 ? Watchdog.LONGEST.toNanos() : timeout.toNanos();
    watchdog.start(slot, nanos);
    T value = null;
    Throwable failure = null;
    boolean overran;
    try {
      value = body.get();
    } catch (Throwable e) {
      // Everything, Errors included: a rule call must never kill the thread it runs on.
      // AssertionError: Chicory's runtime asserts on some states a malformed module can reach
      // (element and global initialisation) when assertions are on; a LinkageError (a class that
      // failed to initialise for lack of stack) would otherwise kill a pool thread per batch.
      failure = e;
    } finally {
      overran = watchdog.stop(slot);
      if (overran) {
        Thread.interrupted(); // ours: clear it so the caller's thread can be reused
      }
    }
    if (failure == null) {
      // Returned normally: commit, even if a host stall (GC pause, busy CPU) pushed the end past
      // the deadline. The deadline stops calls that are still running; this one was not. (Every
      // wasm function checks before it returns, ReturnChecks, so a call still running when the
      // watchdog interrupts it cannot return normally after more than one function body.)
      return new Ok<>(value);
    }
    if (overran && has(failure, ChicoryInterruptedException.class)) {
      return new Fault<>(
          FailureKind.DEADLINE,
          what + " did not finish within " + DurationText.format(timeout) + " (" + limitName + ")");
    }
    return classify(failure, what);
  }

  private static <T> Result<T> classify(Throwable failure, String what) {
    if (failure instanceof RuleAbort abort) {
      return new Fault<>(abort.kind(), abort.getMessage());
    }
    if (has(failure, ChicoryInterruptedException.class)) {
      return new Interrupted<>();
    }
    if (failure instanceof OutOfMemoryError) {
      return new Fault<>(FailureKind.RESOURCE, what + " ran the JVM out of heap memory");
    }
    if (has(failure, StackOverflowError.class)
        || failure instanceof ChicoryException
            && "call stack exhausted".equals(failure.getMessage())) {
      return new Fault<>(
          FailureKind.RESOURCE, what + " exhausted the call stack (recursion too deep)");
    }
    WasmException thrown = find(failure, WasmException.class);
    if (thrown != null) {
      // A WebAssembly exception (the exception-handling proposal's throw) that no try caught:
      // the rule's own trap, not a host failure, and no stack trace for the log.
      return new Fault<>(
          FailureKind.TRAP,
          what + " trapped: uncaught WebAssembly exception (tag " + thrown.tagIdx() + ")");
    }
    TrapException trap = find(failure, TrapException.class);
    if (trap != null) {
      return new Fault<>(FailureKind.TRAP, what + " trapped: " + lowerFirst(trap.getMessage()));
    }
    if (failure instanceof ChicoryException) {
      return new Fault<>(FailureKind.TRAP, what + " trapped: " + failure.getMessage());
    }
    // Not the rule's doing as far as we can tell: a bug on our side. Contain it all the same.
    LOG.warn("{} failed in host code", what, failure);
    return new Fault<>(
        FailureKind.TRAP,
        what
            + " failed in the host: "
            + failure.getClass().getSimpleName()
            + ": "
            + failure.getMessage());
  }

  private static boolean has(Throwable t, Class<? extends Throwable> type) {
    return find(t, type) != null;
  }

  private static <E extends Throwable> E find(Throwable t, Class<E> type) {
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String lowerFirst(String s) {
    return s == null || s.isEmpty() ? "trap" : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
