package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A failing er_init's log lines are quoted in the load error (and in the fault of a failed
 * re-initialisation) to say why; a hostile rule's lines, 60 KB with line breaks and escape
 * sequences, come out as one line of bounded length.
 */
class HostCallInitMessageTest extends EngineFixture {
  /** 3 x 20,000 bytes of log text with CR, LF and ESC, then er_init returns 7 if $fail says so. */
  private static String rule(String fail) {
    return "(module\n  "
        + HostCalls.IMPORTS
        + "\n  (memory (export \"memory\") 1 1)"
        + "\n  (data (i32.const 0) \"n\") (data (i32.const 16) \"forged\\0d\\0a"
        + "ERROR gateway: all rules stopped\\1b[2J\")"
        + "\n  "
        + Wat.MARKER
        + "\n  "
        + Wat.BUFFER
        + "\n  (func $fail (result i32) "
        + fail
        + ")"
        + "\n  (func (export \"er_init\") (result i32)"
        + " (if (call $fail) (then"
        + "  (memory.fill (i32.const 100) (i32.const 10) (i32.const 20000))"
        + "  (call $log (i32.const 4) (i32.const 16) (i32.const 41))"
        + "  (call $log (i32.const 4) (i32.const 100) (i32.const 20000))"
        + "  (call $log (i32.const 4) (i32.const 100) (i32.const 20000))"
        + "  (return (i32.const 7))))"
        + " (i32.const 0))"
        + "\n  (func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
        + " (drop (call $state_put (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 1)))"
        + " (if (f64.lt (f64.load offset=8 (local.get $ptr)) (f64.const 0)) (then unreachable))"
        + " (i32.const 0)))";
  }

  private static final RuleManifest MANIFEST =
      manifest("name: init\n" + HostCalls.GRANTS + "limits: {quarantine_after: 10}\n");

  private static void assertOneBoundedLine(String message) {
    // 200 characters of the rule's (escaped) text: not its 60,041 bytes.
    assertTrue(message.length() < 1_400, message.length() + " characters: " + message);
    assertTrue(
        message.chars().noneMatch(Character::isISOControl), "control characters in: " + message);
    assertTrue(message.contains("it logged: forged\\r\\nERROR gateway"), message);
  }

  @Test
  void aFailedInitQuotesItsLogLinesOnOneBoundedLine() {
    RuleLoadException e =
        assertThrows(
            RuleLoadException.class,
            () -> engine.load("init", Wat.compile(rule("(i32.const 1)")), MANIFEST));
    assertTrue(e.getMessage().startsWith("rule 'init': er_init returned status 7"), e::getMessage);
    assertOneBoundedLine(e.getMessage());
  }

  @Test
  void aFailedReinitialisationToo() {
    // er_init fails once the state holds "n", which the first batch commits; the second traps.
    Rule rule =
        engine.load(
            "init",
            Wat.compile(
                rule(
                    "(i32.ne (call $state_get (i32.const 0) (i32.const 1) (i32.const 8)"
                        + " (i32.const 1)) (i32.const -2))")),
            MANIFEST);
    assertEquals(new Committed(List.of()), engine.evaluate(rule, List.of(Events.f64("tank/a", 1))));
    Failed trap =
        assertInstanceOf(Failed.class, engine.evaluate(rule, List.of(Events.f64("tank/a", -1))));
    assertEquals(FailureKind.TRAP, trap.kind(), trap.message());
    Failed f =
        assertInstanceOf(Failed.class, engine.evaluate(rule, List.of(Events.f64("tank/a", 1))));
    assertEquals(FailureKind.ABI, f.kind(), f.message());
    assertTrue(
        f.message().startsWith("re-initialisation after a fault failed: er_init returned status 7"),
        f.message());
    assertOneBoundedLine(f.message());
  }
}
