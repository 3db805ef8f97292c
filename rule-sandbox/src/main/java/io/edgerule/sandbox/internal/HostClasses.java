package io.edgerule.sandbox.internal;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.runtime.WasmException;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.sandbox.FailureKind;
import io.edgerule.sandbox.RuleAction;
import io.edgerule.sandbox.RuleFault;
import io.edgerule.sandbox.RuleOutcome;
import io.edgerule.sandbox.internal.yaml.Quote;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.UnmappableCharacterException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.event.Level;

/**
 * Initialises every class that host functions and the fault path use, once per JVM, before any rule
 * runs. A class whose static initialiser fails (for lack of stack, when a rule recursed to just
 * short of the limit and then made a host call) is broken for the life of the JVM: every later use
 * throws {@link NoClassDefFoundError}, in every rule (issue 16, class 8: {@code PointValue$Bool}
 * first initialised inside a rule's {@code gw.write_bool}). Initialised here, at engine start on a
 * shallow stack, they cannot fail later.
 */
public final class HostClasses {
  private static final AtomicBoolean DONE = new AtomicBoolean();

  /** Roots: their nested and permitted subclasses are initialised too. */
  private static final List<Class<?>> ROOTS =
      List.of(
          PointValue.class,
          PointId.class,
          PointEvent.class,
          Quality.class,
          RuleAction.class,
          RuleOutcome.class,
          RuleFault.class,
          FailureKind.class,
          Abi.class,
          ActionStage.class,
          ActionRate.class,
          HostFunctions.class,
          NameCache.class,
          PointTable.class,
          TopicTable.class,
          RuleState.class,
          RuleAbort.class,
          GuardedCall.class,
          Watchdog.class,
          BulkWork.class,
          FlatMemory.class,
          PagedMemory.class,
          RuleTable.class,
          EventEncoder.class,
          LogText.class,
          Quote.class,
          DurationText.class,
          ChicoryException.class,
          ChicoryInterruptedException.class,
          TrapException.class,
          WasmRuntimeException.class,
          WasmException.class,
          CharacterCodingException.class,
          MalformedInputException.class,
          UnmappableCharacterException.class,
          StackOverflowError.class,
          OutOfMemoryError.class,
          Level.class);

  private HostClasses() {}

  /** Initialises the classes (once per JVM; later calls return at once). */
  public static void initialize() {
    if (!DONE.compareAndSet(false, true)) {
      return;
    }
    Set<Class<?>> seen = new HashSet<>();
    for (Class<?> root : ROOTS) {
      initialize(root, seen);
    }
  }

  private static void initialize(Class<?> c, Set<Class<?>> seen) {
    if (c == null || c.isPrimitive() || c.isArray() || !seen.add(c)) {
      return;
    }
    try {
      Class.forName(c.getName(), true, c.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("cannot initialise " + c.getName(), e);
    }
    for (Class<?> nested : c.getDeclaredClasses()) {
      initialize(nested, seen);
    }
    Class<?>[] permitted = c.getPermittedSubclasses();
    if (permitted != null) {
      for (Class<?> p : permitted) {
        initialize(p, seen);
      }
    }
  }
}
