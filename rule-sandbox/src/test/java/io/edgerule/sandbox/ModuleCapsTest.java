package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Module size and function count are refused before parsing and compiling. */
class ModuleCapsTest extends EngineFixture {
  @Test
  void aModuleAboveTheSizeLimitIsRefused() {
    byte[] wasm = Wat.rule(Wat.EVENTS_OK);
    RuleLoadException e =
        assertThrows(
            RuleLoadException.class,
            () -> load(wasm, named("t", "limits: {max_module_bytes: 64}")));
    assertEquals(
        "the module is " + wasm.length + " bytes; the limit is 64 (limits.max_module_bytes)",
        e.problem());
  }

  @Test
  void aModuleWithTooManyFunctionsIsRefused() {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      many.append("(func $f").append(i).append(")\n");
    }
    byte[] wasm = Wat.rule(Wat.EVENTS_OK, many.toString());
    RuleLoadException e =
        assertThrows(
            RuleLoadException.class, () -> load(wasm, named("t", "limits: {max_functions: 10}")));
    assertEquals("has 24 functions; the limit is 10 (limits.max_functions)", e.problem());
  }
}
