package io.edgerule.sandbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.TrapException;
import io.edgerule.sandbox.FailureKind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every way rule code can fail becomes a value; nothing escapes to the caller. */
class GuardedCallTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final Watchdog watchdog = new Watchdog(scheduler);
  private final Watchdog.Slot slot = watchdog.register();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    Thread.interrupted();
  }

  private GuardedCall.Result<String> run(Supplier<String> body) {
    return GuardedCall.run(watchdog, slot, Duration.ofSeconds(5), "er_on_events", "x", body);
  }

  private GuardedCall.Fault<String> fault(Supplier<String> body, FailureKind kind) {
    GuardedCall.Result<String> result = run(body);
    if (!(result instanceof GuardedCall.Fault<String> f)) {
      throw new AssertionError("expected a fault, got " + result);
    }
    assertEquals(kind, f.kind(), f.message());
    return f;
  }

  @Test
  void errorsOfTheJvmBecomeResourceFaults() {
    assertEquals(
        "er_on_events ran the JVM out of heap memory",
        fault(
                () -> {
                  throw new OutOfMemoryError("Java heap space");
                },
                FailureKind.RESOURCE)
            .message());
    assertEquals(
        "er_on_events exhausted the call stack (recursion too deep)",
        fault(
                () -> {
                  throw new StackOverflowError();
                },
                FailureKind.RESOURCE)
            .message());
  }

  @Test
  void trapsAbortsAndHostBugs() {
    assertEquals(
        "er_on_events trapped: trapped on unreachable instruction",
        fault(
                () -> {
                  throw new TrapException("Trapped on unreachable instruction");
                },
                FailureKind.TRAP)
            .message());
    assertEquals(
        "no",
        fault(
                () -> {
                  throw new RuleAbort(FailureKind.DENIED, "no");
                },
                FailureKind.DENIED)
            .message());
    assertEquals(
        "er_on_events failed in the host: NullPointerException: oops",
        fault(
                () -> {
                  throw new NullPointerException("oops");
                },
                FailureKind.TRAP)
            .message());
  }

  /**
   * Issue 16, class 8: a gateway class that failed to initialise on a rule thread (for lack of
   * stack) threw NoClassDefFoundError from then on; it escaped the call and killed a pool thread
   * per batch. Every LinkageError (and any other Error) is the call's fault, and the thread lives.
   */
  @Test
  void linkageErrorsAreTheCallsFaultAndDoNotEscape() {
    List<Error> errors =
        List.of(
            new NoClassDefFoundError(
                "Could not initialize class io.edgerule.adapter.PointValue$Bool"),
            new ExceptionInInitializerError("static init"),
            new LinkageError("loader constraint violation"),
            new InternalError("something in the JVM"));
    for (Error error : errors) {
      GuardedCall.Fault<String> f =
          fault(
              () -> {
                throw error;
              },
              FailureKind.TRAP);
      assertTrue(
          f.message()
              .startsWith("er_on_events failed in the host: " + error.getClass().getSimpleName()),
          f.message());
    }
    assertEquals("fine", ((GuardedCall.Ok<String>) run(() -> "fine")).value());
  }

  @Test
  void anInterruptNotFromTheWatchdogIsNotAFault() {
    assertInstanceOf(
        GuardedCall.Interrupted.class,
        run(
            () -> {
              throw new ChicoryInterruptedException("Thread interrupted");
            }));
  }

  private static void spinUntilInterrupted() {
    // A hang net only, so a broken watchdog fails instead of hanging: the 10 ms check fires within
    // milliseconds, but a loaded machine can run the watchdog's thread seconds late, and giving up
    // first would fail the tests for the wrong reason (the call ends without the interrupt).
    long giveUp = System.nanoTime() + 60_000_000_000L;
    while (!Thread.currentThread().isInterrupted() && System.nanoTime() < giveUp) {
      Thread.onSpinWait();
    }
  }

  @Test
  void aCallStillRunningAtTheDeadlineIsADeadlineFault() {
    GuardedCall.Result<String> r =
        GuardedCall.run(
            watchdog,
            slot,
            Duration.ofMillis(10),
            "er_on_events",
            "limits.deadline",
            () -> {
              spinUntilInterrupted(); // what compiled code does at its next backward branch:
              throw new ChicoryInterruptedException("Thread interrupted");
            });
    GuardedCall.Fault<?> f = assertInstanceOf(GuardedCall.Fault.class, r);
    assertEquals(FailureKind.DEADLINE, f.kind());
    assertEquals("er_on_events did not finish within 10ms (limits.deadline)", f.message());
    assertFalse(Thread.currentThread().isInterrupted(), "the watchdog's interrupt is cleared");
  }

  @Test
  void aCallThatReturnedNormallyCommitsEvenIfTheDeadlinePassed() {
    // E.g. a GC pause between the rule's last instruction and the return.
    GuardedCall.Result<String> r =
        GuardedCall.run(
            watchdog,
            slot,
            Duration.ofMillis(10),
            "er_on_events",
            "limits.deadline",
            () -> {
              spinUntilInterrupted();
              return "late";
            });
    assertEquals("late", assertInstanceOf(GuardedCall.Ok.class, r).value());
    assertFalse(Thread.currentThread().isInterrupted(), "the watchdog's interrupt is cleared");
  }

  @Test
  void aNormalReturnIsOk() {
    assertEquals("done", assertInstanceOf(GuardedCall.Ok.class, run(() -> "done")).value());
  }
}
