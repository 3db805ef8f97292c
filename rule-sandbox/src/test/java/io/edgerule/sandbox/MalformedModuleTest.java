package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The malformed modules WasmFuzzTest found, one by one, as byte vectors annotated field by field:
 * each is refused with a RuleLoadException that says what and where, and nothing stays loaded.
 */
class MalformedModuleTest extends EngineFixture {
  private static final RuleManifest PLAIN = named("t");
  private static final String HEADER = "0061736d 01000000";

  private static byte[] hex(String... parts) {
    return HexFormat.of().parseHex(String.join("", parts).replace(" ", ""));
  }

  private String loadError(byte[] wasm) {
    RuleLoadException e = assertThrows(RuleLoadException.class, () -> load(wasm, PLAIN));
    assertTrue(engine.rules().isEmpty(), "nothing stays loaded");
    assertEquals(0, engine.compiledModules(), "nothing stays cached");
    return e.getMessage();
  }

  @Test
  void exportOfAFunctionPastTheLastOne() {
    // Was: ArrayIndexOutOfBoundsException from the ABI checks (Chicory's parser does not check
    // export indices).
    String message =
        loadError(
            hex(
                HEADER,
                "01 04 01 60 00 00", // type section: 1 type, () -> ()
                "03 02 01 00", // function section: 1 function of type 0
                "05 03 01 00 01", // memory section: 1 memory, min 1 page
                "07 1c 02", // export section, 28 bytes, 2 exports
                "0f 6564676572756c655f6162695f7631 00 05", // "edgerule_abi_v1" function 5
                "06 6d656d6f7279 02 00", // "memory" memory 0
                "0a 04 01 02 00 0b")); // code section: 1 body of 2 bytes: no locals, end
    assertTrue(
        message.startsWith(
            "rule 't': exports edgerule_abi_v1 as function 5, but the module has only 1"
                + " functions; "),
        message);
  }

  @Test
  void vectorCountLargerThanItsSection() {
    // Was: OutOfMemoryError "Requested array size exceeds VM limit" from Chicory's parser.
    assertEquals(
        "rule 't': malformed: section 1 (type) at offset 8: the type count 2147483647 at offset 10"
            + " is larger than the 0 bytes left in the section",
        loadError(
            hex(
                HEADER,
                "01 05", // type section, 5 bytes
                "ffffffff07"))); // count 2^31-1 (5-byte LEB128), and no types
  }

  @Test
  void nameLongerThanItsSection() {
    // Was: OutOfMemoryError from Chicory's readName allocating the declared length.
    assertEquals(
        "rule 't': malformed: section 7 (export) at offset 8: the name at offset 11 declares"
            + " 2147483647 bytes but only 0 remain in the section",
        loadError(
            hex(
                HEADER,
                "07 06", // export section, 6 bytes
                "01", // 1 export
                "ffffffff07"))); // its name: 2^31-1 bytes
  }

  @Test
  void dataSegmentLongerThanItsSection() {
    assertEquals(
        "rule 't': malformed: section 11 (data) at offset 8: the data segment at offset 15"
            + " declares 2147483647 bytes but only 0 remain in the section",
        loadError(
            hex(
                HEADER,
                "0b 0a", // data section, 10 bytes
                "01", // 1 segment
                "00 41 00 0b", // active, memory 0, offset (i32.const 0)
                "ffffffff07"))); // 2^31-1 bytes of data
  }

  @Test
  void millionsOfLocalsAreRefusedBeforeTheParserAddsThemUp() {
    // Chicory checks each group of locals against 50,000, not their sum: 1,000 groups of 50,000
    // i32 locals (4 KB of module) made it build a list of 50 million locals.
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(WasmMutations.leb5(1000)); // 1,000 groups of locals
    for (int i = 0; i < 1000; i++) {
      body.writeBytes(hex("d08603 7f")); // 50,000 x i32
    }
    body.write(0x0b); // end
    ByteArrayOutputStream code = new ByteArrayOutputStream();
    code.write(0x01); // 1 body
    code.writeBytes(WasmMutations.leb5(body.size()));
    code.writeBytes(body.toByteArray());
    ByteArrayOutputStream wasm = new ByteArrayOutputStream();
    wasm.writeBytes(hex(HEADER, "01 04 01 60 00 00", "03 02 01 00", "0a"));
    wasm.writeBytes(WasmMutations.leb5(code.size()));
    wasm.writeBytes(code.toByteArray());
    assertEquals(
        "rule 't': malformed: section 10 (code) at offset 18: function body 0 at offset 30"
            + " declares more than 50000 locals",
        loadError(wasm.toByteArray()));
  }

  @Test
  void parserAssertionIsAMalformedModule() throws Exception {
    // Was: java.lang.AssertionError out of Chicory's AnnotatedInstruction.Builder (tests run with
    // -ea): one flipped byte in a branch's label of the C build of avg_alarm.
    Path file = ExampleRulesTest.EXAMPLES.resolve("avg_alarm.wasm");
    RuleManifest manifest = RuleManifest.load(ExampleRulesTest.EXAMPLES.resolve("avg_alarm.yaml"));
    byte[] wasm = Files.readAllBytes(file);
    assertEquals((byte) 0xa0, wasm[567], "the seed is the committed avg_alarm.wasm");
    wasm[567] = 0x40;
    RuleLoadException e =
        assertThrows(RuleLoadException.class, () -> engine.load("avg_alarm", wasm, manifest));
    assertTrue(e.problem().startsWith("malformed module: "), e.getMessage());
    assertTrue(engine.rules().isEmpty());
  }

  @Test
  void deeplyNestedBlocksLoadOrAreRefused() {
    // 30,000 nested blocks in er_on_events: a recursive parser, validator or compiler would
    // overflow the stack. Either outcome is fine; an escaping StackOverflowError is not.
    byte[] deep = ruleWithNestedBlocks(30_000);
    try {
      Rule rule = load(deep, PLAIN);
      RuleOutcome out = engine.evaluate(rule, List.of(Events.f64("tank/level", 1)));
      assertTrue(
          out instanceof RuleOutcome.Committed || out instanceof RuleOutcome.Failed, out::toString);
    } catch (RuleLoadException e) {
      assertTrue(!e.problem().isBlank(), e.getMessage());
    }
    Rule rule = load(Wat.rule(Wat.EVENTS_OK), named("t2"));
    assertInstanceOf(
        RuleOutcome.Committed.class, engine.evaluate(rule, List.of(Events.f64("tank/level", 1))));
  }

  /** A valid ABI v1 rule whose er_on_events nests {@code depth} empty blocks. */
  private static byte[] ruleWithNestedBlocks(int depth) {
    ByteArrayOutputStream onEvents = new ByteArrayOutputStream();
    onEvents.write(0x00); // no locals
    for (int i = 0; i < depth; i++) {
      onEvents.writeBytes(hex("02 40")); // block (no result)
    }
    for (int i = 0; i < depth; i++) {
      onEvents.write(0x0b); // end
    }
    onEvents.writeBytes(hex("41 00 0b")); // i32.const 0, end
    ByteArrayOutputStream code = new ByteArrayOutputStream();
    code.writeBytes(hex("04")); // 4 bodies
    code.writeBytes(hex("02 00 0b")); // edgerule_abi_v1: nothing
    code.writeBytes(hex("04 00 41 00 0b")); // er_init: 0
    code.writeBytes(hex("05 00 41 80 20 0b")); // er_buffer: 4096
    code.writeBytes(WasmMutations.leb5(onEvents.size()));
    code.writeBytes(onEvents.toByteArray());
    ByteArrayOutputStream wasm = new ByteArrayOutputStream();
    wasm.writeBytes(
        hex(
            HEADER,
            "01 13 04", // type section, 19 bytes, 4 types:
            "60 00 00", // () -> ()
            "60 00 01 7f", // () -> (i32)
            "60 01 7f 01 7f", // (i32) -> (i32)
            "60 02 7f 7f 01 7f", // (i32, i32) -> (i32)
            "03 05 04 00 01 02 03", // function section: 4 functions of types 0..3
            "05 03 01 00 01", // memory section: 1 memory, min 1 page
            "07 41 05", // export section, 65 bytes, 5 exports:
            "0f 6564676572756c655f6162695f7631 00 00", // "edgerule_abi_v1" function 0
            "06 6d656d6f7279 02 00", // "memory" memory 0
            "07 65725f696e6974 00 01", // "er_init" function 1
            "09 65725f627566666572 00 02", // "er_buffer" function 2
            "0c 65725f6f6e5f6576656e7473 00 03", // "er_on_events" function 3
            "0a")); // code section
    wasm.writeBytes(WasmMutations.leb5(code.size()));
    wasm.writeBytes(code.toByteArray());
    return wasm.toByteArray();
  }

  @Test
  void aHandBuiltRuleLoads() {
    // The builder above makes a valid rule: the nesting test proves something.
    Rule rule = load(ruleWithNestedBlocks(3), PLAIN);
    assertInstanceOf(
        RuleOutcome.Committed.class, engine.evaluate(rule, List.of(Events.f64("tank/level", 1))));
  }

  @Test
  void aModuleFileLargerThanTheLimitIsNotReadWhole(@TempDir Path dir) throws Exception {
    // Was: OutOfMemoryError "Required array size too large" from Files.readAllBytes above 2 GiB
    // (and reading /dev/zero until the heap ran out); now at most the limit + 1 bytes are read.
    Path big = dir.resolve("big.wasm");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: 3 GiB of zeros that take no disk
    }
    RuleLoadException e = assertThrows(RuleLoadException.class, () -> engine.load("t", big, PLAIN));
    assertEquals(
        "rule 't' ("
            + big
            + "): the module is 3221225472 bytes; the limit is 8388608 (limits.max_module_bytes)",
        e.getMessage());
    Path zero = Path.of("/dev/zero");
    if (Files.isReadable(zero)) {
      RuleLoadException endless =
          assertThrows(RuleLoadException.class, () -> engine.load("t", zero, PLAIN));
      assertEquals(
          "rule 't' (/dev/zero): the module is more than 8388608 bytes; the limit is 8388608"
              + " (limits.max_module_bytes)",
          endless.getMessage());
    }
  }

  @Test
  void theEngineKeepsWorkingAfterEachRefusal() {
    loadError(hex(HEADER, "01 05 ffffffff07"));
    loadError(hex(HEADER, "07 06 01 ffffffff07"));
    Rule rule = load(Wat.rule(Wat.EVENTS_OK), PLAIN);
    assertInstanceOf(
        RuleOutcome.Committed.class, engine.evaluate(rule, List.of(Events.f64("tank/level", 1))));
  }
}
