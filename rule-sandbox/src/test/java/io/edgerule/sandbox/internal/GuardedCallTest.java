package io.edgerule.sandbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.TrapException;
import io.edgerule.sandbox.FailureKind;
import java.time.Duration;
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

  @Test
  void anInterruptNotFromTheWatchdogIsNotAFault() {
    assertInstanceOf(
        GuardedCall.Interrupted.class,
        run(
            () -> {
              throw new ChicoryInterruptedException("Thread interrupted");
            }));
  }

  @Test
  void aNormalReturnIsOk() {
    assertEquals("done", assertInstanceOf(GuardedCall.Ok.class, run(() -> "done")).value());
  }
}
