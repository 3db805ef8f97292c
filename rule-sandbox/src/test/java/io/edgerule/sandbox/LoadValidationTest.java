package io.edgerule.sandbox;

import static io.edgerule.sandbox.Wat.BUFFER;
import static io.edgerule.sandbox.Wat.EVENTS_OK;
import static io.edgerule.sandbox.Wat.INIT_OK;
import static io.edgerule.sandbox.Wat.MARKER;
import static io.edgerule.sandbox.Wat.MEMORY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every load-time check: framing, ABI shape, imports vs capabilities, limits, init. */
class LoadValidationTest extends EngineFixture {
  private static final RuleManifest PLAIN = named("t");

  private String loadError(byte[] wasm, RuleManifest manifest) {
    RuleLoadException e = assertThrows(RuleLoadException.class, () -> load(wasm, manifest));
    assertTrue(engine.rules().isEmpty(), "nothing stays loaded");
    assertEquals(0, engine.compiledModules(), "nothing stays cached");
    return e.getMessage();
  }

  private String loadError(byte[] wasm) {
    return loadError(wasm, PLAIN);
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  @Test
  void wellFormedRuleLoads() {
    Rule rule = load(Wat.rule(EVENTS_OK), PLAIN);
    assertEquals(RuleStatus.ACTIVE, rule.status());
    assertEquals(64, rule.moduleDigest().length());
    assertEquals(1, engine.compiledModules());
  }

  // ---- framing ----

  @Test
  void notAWasmModule() {
    assertEquals(
        "rule 't': not a wasm module: bad magic at offset 0 (found 7f 45 4c 46, expected 00 61 73"
            + " 6d)",
        loadError(hex("7f454c46 02010100 00000000")));
    assertEquals("rule 't': not a wasm module: the file is empty", loadError(new byte[0]));
    assertEquals(
        "rule 't': not a wasm module: only 4 bytes (a module starts with an 8-byte header)",
        loadError(hex("0061736d")));
  }

  @Test
  void unsupportedBinaryVersion() {
    assertEquals(
        "rule 't': unsupported wasm binary version 2 at offset 4 (expected 1)",
        loadError(hex("0061736d 02000000")));
  }

  @Test
  void truncatedModuleNamesTheSectionAndOffset() {
    byte[] good = Wat.rule(EVENTS_OK);
    String message = loadError(Arrays.copyOf(good, good.length - 5));
    assertTrue(
        message.matches(
            "rule 't': truncated: section 10 \\(code\\) at offset \\d+ declares \\d+ bytes but only"
                + " \\d+ remain"),
        message);
  }

  @Test
  void malformedSectionContentIsReportedByTheParser() {
    // A type section whose one entry has the unknown form 0x42.
    String message = loadError(hex("0061736d 01000000 01 02 01 42"));
    assertTrue(message.startsWith("rule 't': malformed module: "), message);
  }

  @Test
  void loadFromAFileNamesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("x.wasm");
    Files.write(file, hex("00000000 00000000"));
    RuleLoadException e =
        assertThrows(RuleLoadException.class, () -> engine.load("x", file, PLAIN));
    assertEquals(
        "rule 'x' ("
            + file
            + "): not a wasm module: bad magic at offset 0 (found 00 00 00 00,"
            + " expected 00 61 73 6d)",
        e.getMessage());
    RuleLoadException missing =
        assertThrows(
            RuleLoadException.class, () -> engine.load("x", dir.resolve("no.wasm"), PLAIN));
    assertTrue(missing.getMessage().contains("cannot read the module: NoSuchFileException"));
  }

  // ---- ABI shape ----

  @Test
  void missingVersionMarker() {
    assertEquals(
        "rule 't': has no ABI version marker: export a function edgerule_abi_v1 () -> () (the SDKs"
            + " do this for you)",
        loadError(Wat.module(MEMORY, INIT_OK, BUFFER, EVENTS_OK)));
  }

  @Test
  void unsupportedAbiVersion() {
    assertEquals(
        "rule 't': targets an unsupported ABI (exports edgerule_abi_v2); this gateway runs ABI v1"
            + " (marker export edgerule_abi_v1)",
        loadError(
            Wat.module("(func (export \"edgerule_abi_v2\"))", MEMORY, INIT_OK, BUFFER, EVENTS_OK)));
  }

  @Test
  void missingAndMistypedExports() {
    assertEquals(
        "rule 't': does not export er_on_events (i32, i32) -> (i32)", loadError(Wat.rule()));
    assertEquals(
        "rule 't': exports er_on_events with type (i32) -> (i32); ABI v1 defines (i32, i32) ->"
            + " (i32)",
        loadError(
            Wat.rule("(func (export \"er_on_events\") (param i32) (result i32) (i32.const 0))")));
    assertEquals(
        "rule 't': exports er_init as a global; ABI v1 needs a function () -> (i32)",
        loadError(
            Wat.module(
                MARKER,
                MEMORY,
                BUFFER,
                EVENTS_OK,
                "(global (export \"er_init\") i32 (i32.const 0))")));
  }

  @Test
  void memoryMustExistBeExportedAndFitTheLimit() {
    assertTrue(
        loadError(
                Wat.module(
                    MARKER,
                    INIT_OK,
                    EVENTS_OK,
                    "(func (export \"er_buffer\") (param i32) (result i32) (i32.const 0))"))
            .contains("defines no memory; ABI v1 needs one memory exported as 'memory'"));
    assertEquals(
        "rule 't': does not export its memory as 'memory'",
        loadError(Wat.module(MARKER, "(memory 1)", INIT_OK, BUFFER, EVENTS_OK)));
    assertEquals(
        "rule 't': its memory declares 20 initial pages of 64 KiB; the limit is 16"
            + " (limits.memory_pages)",
        loadError(
            Wat.module(MARKER, "(memory (export \"memory\") 20)", INIT_OK, BUFFER, EVENTS_OK)));
    assertEquals(
        "rule 't': its memory declares 3 initial pages of 64 KiB; the limit is 2"
            + " (limits.memory_pages)",
        loadError(
            Wat.module(MARKER, "(memory (export \"memory\") 3)", INIT_OK, BUFFER, EVENTS_OK),
            named("t", "limits: {memory_pages: 2}")));
  }

  @Test
  void sharedMemoryIsRefused() {
    byte[] wasm =
        Wat.compile(
            "(module "
                + MARKER
                + " (memory (export \"memory\") 1 2 shared) "
                + INIT_OK
                + BUFFER
                + EVENTS_OK
                + ")",
            "--enable-threads");
    assertEquals(
        "rule 't': its memory is shared; rules may not use shared memory or threads",
        loadError(wasm));
  }

  @Test
  void tableAboveTheLimitIsRefused() {
    assertEquals(
        "rule 't': table 0 declares 20000 initial elements; the limit is 10000"
            + " (limits.max_table_elements)",
        loadError(Wat.rule(EVENTS_OK, "(table 20000 funcref)")));
  }

  @Test
  void gcTypesAreRefused() {
    // type section: 1 entry, struct (0x5f) with 0 fields
    String message = loadError(hex("0061736d 01000000 01 03 01 5f 00"));
    assertTrue(
        message.contains("type 0 is a GC struct type; rules may use only function types"), message);
  }

  // ---- imports ----

  @Test
  void importsOnlyFunctionsFromGw() {
    assertEquals(
        "rule 't': imports env.abort; rules may import only from 'gw' (AssemblyScript: build with"
            + " --use abort=)",
        loadError(
            Wat.rule("(import \"env\" \"abort\" (func (param i32 i32 i32 i32)))", EVENTS_OK)));
    assertEquals(
        "rule 't': imports gw.foo which is not in ABI v1",
        loadError(Wat.rule("(import \"gw\" \"foo\" (func))", EVENTS_OK)));
    assertEquals(
        "rule 't': imports memory gw.memory; a rule defines its own memory and tables and imports"
            + " only functions from 'gw'; defines no memory; ABI v1 needs one memory exported as"
            + " 'memory'",
        loadError(
            Wat.module(
                "(import \"gw\" \"memory\" (memory 1))",
                MARKER,
                "(export \"memory\" (memory 0))",
                INIT_OK,
                BUFFER,
                EVENTS_OK)));
    assertTrue(
        loadError(Wat.rule("(import \"gw\" \"g\" (global i32))", EVENTS_OK))
            .contains("imports global gw.g;"));
    assertTrue(
        loadError(Wat.rule("(import \"gw\" \"t\" (table 1 funcref))", EVENTS_OK))
            .contains("imports table gw.t;"));
  }

  @Test
  void importWithTheWrongSignature() {
    assertEquals(
        "rule 't': imports gw.write_bool with type (i32) -> (i32); ABI v1 defines (i32, i32) ->"
            + " (i32)",
        loadError(
            Wat.rule("(import \"gw\" \"write_bool\" (func (param i32) (result i32)))", EVENTS_OK),
            named("t", "writable_points: [tank/pump]")));
  }

  @Test
  void importsMustBeImpliedByTheManifestsCapabilities() {
    assertEquals(
        "rule 't': imports gw.write_bool but the manifest grants no writable_points",
        loadError(
            Wat.rule(
                "(import \"gw\" \"write_bool\" (func (param i32 i32) (result i32)))", EVENTS_OK)));
    assertEquals(
        "rule 't': imports gw.publish but the manifest grants no topics",
        loadError(
            Wat.rule(
                "(import \"gw\" \"publish\" (func (param i32 i32 i32 i32) (result i32)))",
                EVENTS_OK)));
    assertEquals(
        "rule 't': imports gw.alarm_raise but the manifest grants no alarms",
        loadError(
            Wat.rule(
                "(import \"gw\" \"alarm_raise\" (func (param i32 i32 i32 i32 i32) (result i32)))",
                EVENTS_OK)));
    // granted: loads
    load(
        Wat.rule("(import \"gw\" \"write_bool\" (func (param i32 i32) (result i32)))", EVENTS_OK),
        named("t", "writable_points: [tank/pump]"));
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String message =
        loadError(Wat.module("(import \"gw\" \"foo\" (func))", "(memory 1)", INIT_OK, BUFFER));
    assertEquals(
        "rule 't': imports gw.foo which is not in ABI v1; has no ABI version marker: export a"
            + " function edgerule_abi_v1 () -> () (the SDKs do this for you); does not export its"
            + " memory as 'memory'; does not export er_on_events (i32, i32) -> (i32)",
        message);
  }

  @Test
  void tickExportAndManifestMustAgree() {
    String tick = "(func (export \"er_on_tick\") (result i32) (i32.const 0))";
    assertEquals(
        "rule 't': exports er_on_tick but the manifest sets no tick period (add e.g. 'tick: 1s' or"
            + " drop the export)",
        loadError(Wat.rule(EVENTS_OK, tick)));
    assertEquals(
        "rule 't': does not export er_on_tick () -> (i32)",
        loadError(Wat.rule(EVENTS_OK), named("t", "tick: 1s")));
    Rule rule = load(Wat.rule(EVENTS_OK, tick), named("t", "tick: 1s"));
    assertInstanceOf(RuleOutcome.Committed.class, engine.tick(rule));
  }

  // ---- start section and er_init ----

  @Test
  void initMustReturnZero() {
    assertEquals(
        "rule 't': er_init returned status -7 (0 means success)",
        loadError(
            Wat.module(
                MARKER,
                MEMORY,
                BUFFER,
                EVENTS_OK,
                "(func (export \"er_init\") (result i32) (i32.const -7))")));
  }

  @Test
  void aFailingInitsLogLinesAreInTheMessage() {
    assertEquals(
        "rule 't': er_init returned status -1 (0 means success); it logged: tank/x is not granted",
        loadError(
            Wat.module(
                MARKER,
                MEMORY,
                BUFFER,
                EVENTS_OK,
                "(import \"gw\" \"log\" (func $log (param i32 i32 i32)))",
                "(data (i32.const 0) \"tank/x is not granted\")",
                "(func (export \"er_init\") (result i32)"
                    + " (call $log (i32.const 4) (i32.const 0) (i32.const 21)) (i32.const -1))")));
  }

  @Test
  void trapInInitOrStartFailsTheLoad() {
    assertEquals(
        "rule 't': start section + er_init trapped: trapped on unreachable instruction",
        loadError(
            Wat.module(
                MARKER,
                MEMORY,
                BUFFER,
                EVENTS_OK,
                "(func (export \"er_init\") (result i32) unreachable)")));
    String start = loadError(Wat.rule(EVENTS_OK, "(func $boom unreachable)", "(start $boom)"));
    assertTrue(start.startsWith("rule 't': start section + er_init trapped: "), start);
  }

  @Test
  void initMayLogButNotEmitActions() {
    String message =
        loadError(
            Wat.module(
                MARKER,
                MEMORY,
                BUFFER,
                EVENTS_OK,
                "(import \"gw\" \"write_bool\" (func $w (param i32 i32) (result i32)))",
                "(func (export \"er_init\") (result i32) (call $w (i32.const 0) (i32.const 1)))"),
            named("t", "writable_points: [tank/pump]"));
    assertEquals(
        "rule 't': gw.write_bool called during er_init; emit actions from er_on_events or"
            + " er_on_tick",
        message);
    load(
        Wat.module(
            MARKER,
            MEMORY,
            BUFFER,
            EVENTS_OK,
            "(import \"gw\" \"log\" (func $log (param i32 i32 i32)))",
            "(data (i32.const 0) \"hello\")",
            "(func (export \"er_init\") (result i32) (call $log (i32.const 2) (i32.const 0) (i32.const"
                + " 5)) (i32.const 0))"),
        PLAIN);
  }

  @Test
  void sameModuleIsCompiledOnceForManyRules() {
    byte[] wasm = Wat.rule(EVENTS_OK);
    Rule a = engine.load("a", wasm, PLAIN);
    Rule b = engine.load("b", wasm, PLAIN);
    assertEquals(a.moduleDigest(), b.moduleDigest());
    assertEquals(1, engine.compiledModules());
    engine.unload(a);
    assertEquals(1, engine.compiledModules(), "b still uses it");
    engine.unload(b);
    assertEquals(0, engine.compiledModules());
    assertInstanceOf(RuleOutcome.Skipped.class, engine.evaluate(b, java.util.List.of()));
  }
}
