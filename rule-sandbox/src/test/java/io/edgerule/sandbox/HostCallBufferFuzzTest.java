package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the er_buffer protocol: rules answer er_buffer with hostile regions (0, unaligned,
 * "negative", past or straddling the end of memory, over their own data or stack) while the host
 * delivers batches with STRING and BYTES payloads up to 5 MB, far larger than most of these rules'
 * memory. A region that is not 8-byte aligned inside memory fails the batch (ABI, naming the size
 * asked for: 32 x records + payload bytes); a good one delivers every record and payload intact,
 * which the rule proves by writing each record's key and each payload's length and hash.
 */
class HostCallBufferFuzzTest extends EngineFixture {
  private static final long SEED = 0xB0FF_2026L;
  private static final int PAGE = HostCallModel.PAGE;
  private static final int CASES = 120;

  @Override
  protected RuleLimits hostCaps() {
    return RuleLimits.defaults()
        .with(RuleLimit.DEADLINE, Duration.ofSeconds(10))
        .with(RuleLimit.INIT_DEADLINE, Duration.ofSeconds(10))
        .with(RuleLimit.MEMORY_PAGES, 256);
  }

  /**
   * How a rule's memory is set up: its declaration, its memory_pages limit, the pages it may use.
   */
  private record Memory(String declaration, int limitPages, int maxPages) {}

  private static final Memory[] MEMORIES = {
    new Memory("(memory (export \"memory\") 1 1)", 16, 1),
    new Memory("(memory (export \"memory\") 1)", 16, 16),
    new Memory("(memory (export \"memory\") 1)", 128, 128), // flat, up to 8 MiB
    new Memory("(memory (export \"memory\") 1)", 200, 200), // Chicory's ByteArrayMemory
  };

  /** Constant er_buffer answers, as u32. */
  private static final long[] ANSWERS = {
    0,
    1,
    4,
    8,
    16,
    4096,
    4100,
    65_528,
    65_529,
    65_536,
    65_544,
    0x7fff_fff8L,
    0x8000_0000L,
    0xffff_fff8L,
    0xffff_ffffL
  };

  /** er_buffer policies; %s is replaced by a constant where there is one. */
  private static final String CONSTANT =
      "(func (export \"er_buffer\") (param i32) (result i32) (i32.const %s))";

  /** The C header's default: grow by enough pages and hand out the new ones; 0 if it cannot. */
  private static final String GROW =
      "(func (export \"er_buffer\") (param $n i32) (result i32) (local $old i32)"
          + " (local.set $old (memory.grow (i32.shr_u (i32.add (local.get $n) (i32.const 65535))"
          + " (i32.const 16))))"
          + " (if (i32.eq (local.get $old) (i32.const -1)) (then (return (i32.const 0))))"
          + " (i32.shl (local.get $old) (i32.const 16)))";

  /** The top of memory, where a C rule keeps its stack; "negative" when the batch is larger. */
  private static final String AT_END =
      "(func (export \"er_buffer\") (param $n i32) (result i32)"
          + " (i32.and (i32.sub (i32.shl (memory.size) (i32.const 16)) (local.get $n))"
          + " (i32.const -8)))";

  /** Writes each record's key, and each payload's length and hash, to pump/out. */
  private static String onEvents(boolean pushesOnStack) {
    return "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
        + " (local $end i32) (local $p i32) (local $n i32) (local $i i32) (local $h i64)"
        + (pushesOnStack ? " (i64.store (i32.const 65528) (i64.const -1))" : "")
        + " (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $count) (i32.const 5))))"
        + " (block $done (loop $next"
        + "  (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))"
        + "  (drop (call $write_i64 (global.get $out)"
        + "   (i64.and (i64.load (local.get $ptr)) (i64.const 0xffffffffffff))))"
        + "  (if (i32.ge_u (i32.load8_u offset=4 (local.get $ptr)) (i32.const 4)) (then"
        + "   (local.set $p (i32.load offset=8 (local.get $ptr)))"
        + "   (local.set $n (i32.load offset=12 (local.get $ptr)))"
        + "   (local.set $h (i64.const 0)) (local.set $i (i32.const 0))"
        + "   (block $d (loop $l"
        + "    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))"
        + "    (local.set $h (i64.add (i64.mul (local.get $h) (i64.const 31))"
        + "     (i64.load8_u (i32.add (local.get $p) (local.get $i)))))"
        + "    (local.set $i (i32.add (local.get $i) (i32.const 1)))"
        + "    (br $l)))"
        + "   (drop (call $write_i64 (global.get $out) (i64.extend_i32_u (local.get $n))))"
        + "   (drop (call $write_i64 (global.get $out) (local.get $h)))))"
        + "  (local.set $ptr (i32.add (local.get $ptr) (i32.const 32)))"
        + "  (br $next)))"
        + " (i32.const 0))";
  }

  private static String module(Memory memory, String buffer, boolean pushesOnStack) {
    return "(module\n  "
        + "(import \"gw\" \"point_id\" (func $point_id (param i32 i32) (result i32)))\n  "
        + "(import \"gw\" \"write_i64\" (func $write_i64 (param i32 i64) (result i32)))\n  "
        + memory.declaration()
        + "\n  (data (i32.const 0) \"pump/out\")\n  "
        + Wat.MARKER
        + "\n  (global $out (mut i32) (i32.const -1))\n  "
        + "(func (export \"er_init\") (result i32)"
        + " (global.set $out (call $point_id (i32.const 0) (i32.const 8))) (i32.const 0))\n  "
        + buffer
        + "\n  "
        + onEvents(pushesOnStack)
        + "\n)";
  }

  @Test
  void hostileBufferRegionsAndPayloadsLargerThanMemory() {
    Rule good = WellBehavedRule.load(engine);
    Map<String, Integer> endings = new TreeMap<>();
    for (int i = 0; i < CASES; i++) {
      long seed = SEED * 1_000 + i;
      endings.merge(runCase(i, seed), 1, Integer::sum);
      if (i % 30 == 29) {
        WellBehavedRule.assertWorks(engine, good, "after buffer case " + i);
      }
    }
    WellBehavedRule.assertWorks(engine, good, "after the buffer fuzz");
    System.out.println("er_buffer fuzz: " + CASES + " cases: " + endings);
    assertTrue(endings.getOrDefault("committed", 0) > CASES / 10, endings::toString);
    assertTrue(endings.getOrDefault("ABI", 0) > CASES / 10, endings::toString);
  }

  /** Megabytes of payload to rules that can and that cannot grow their memory to hold them. */
  @Test
  void megabytePayloadsAreDeliveredIntactOrRefused() {
    SplittableRandom r = new SplittableRandom(SEED);
    List<PointEvent> batch =
        List.of(
            Events.of("tank/s", PointValue.of(text(r, 2_000_000))), // up to 6 MB of UTF-8
            Events.f64("tank/f", 1.5),
            Events.of("tank/b", PointValue.of(bytes(r, 1_000_000))));
    for (int m = 0; m < MEMORIES.length; m++) {
      String ending = check("mega-" + m, SEED, MEMORIES[m], 5, 0, batch);
      assertEquals(m < 2 ? "ABI (> 1 MiB)" : "committed (> 1 MiB)", ending, MEMORIES[m].toString());
    }
  }

  private String runCase(int index, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Memory memory = MEMORIES[r.nextInt(MEMORIES.length)];
    int policy = r.nextInt(10);
    long constant = ANSWERS[r.nextInt(ANSWERS.length)];
    return check("buf-" + index, seed, memory, policy, constant, batch(r));
  }

  /**
   * @param policy 0..4: answer {@code constant}; 5..7: grow; 8: the top of memory; 9: the top of
   *     memory, with the rule pushing on its stack there first
   */
  private String check(
      String name, long seed, Memory memory, int policy, long constant, List<PointEvent> batch) {
    String buffer =
        policy < 5
            ? String.format(CONSTANT, Long.toString((int) constant))
            : policy < 8 ? GROW : AT_END;
    boolean pushesOnStack = policy == 9;
    String wat = module(memory, buffer, pushesOnStack);
    RuleManifest manifest =
        RuleManifest.parse(
            "name: "
                + name
                + "\ninputs: ['tank/#']\nwritable_points: [pump/out]\n"
                + "limits: {deadline: 10s, memory_pages: "
                + memory.limitPages()
                + "}\n",
            "buf.yaml");

    // What the host must do: the batch's size, the region the rule will answer, the verdict.
    Map<PointId, Integer> ids = new HashMap<>();
    List<RuleAction> expected = new ArrayList<>();
    long size = expect(batch, ids, expected);
    long memorySize = PAGE;
    long address;
    if (policy < 5) {
      address = constant;
    } else if (policy < 8) {
      long pages = (size + PAGE - 1) / PAGE;
      boolean grows = 1 + pages <= memory.maxPages();
      address = grows ? PAGE : 0;
      memorySize = grows ? (1 + pages) * PAGE : PAGE;
    } else {
      address = (PAGE - size) & 0xffff_fff8L;
    }
    boolean delivers = address != 0 && address % 8 == 0 && address + size <= memorySize;
    // A rule whose stack (its top 8 bytes) overlaps its batch may clobber it: any documented
    // outcome will do then, but nothing may escape.
    boolean clobbered = pushesOnStack && delivers && address + size > PAGE - 8;
    String input =
        "seed "
            + seed
            + ": er_buffer "
            + buffer
            + (pushesOnStack ? " (pushes on its stack)" : "")
            + ", memory "
            + memory
            + ", batch of "
            + size
            + " bytes: "
            + describe(batch);

    Rule rule = engine.load(name, Wat.compile(wat), manifest);
    try {
      RuleOutcome out;
      try {
        out = engine.evaluate(rule, batch);
      } catch (Throwable t) {
        throw new AssertionError("evaluate threw " + t + "\n" + input, t);
      }
      assertFalse(Thread.currentThread().isInterrupted(), input);
      if (size == 0) {
        assertEquals(new Committed(List.of()), out, "nothing for the rule: not run\n" + input);
        return "not run";
      }
      if (clobbered) {
        assertTrue(out instanceof Committed || out instanceof Failed, out + "\n" + input);
        return "stack overlap";
      }
      String big = size > 1 << 20 ? " (> 1 MiB)" : "";
      if (delivers) {
        Committed c = assertInstanceOf(Committed.class, out, () -> out + "\n" + input);
        assertEquals(expected, c.actions(), input);
        return "committed" + big;
      }
      Failed f = assertInstanceOf(Failed.class, out, () -> out + "\n" + input);
      assertEquals(FailureKind.ABI, f.kind(), f.message() + "\n" + input);
      assertTrue(
          f.message().startsWith("er_buffer(" + size + ") returned "),
          "the message names the size asked for: " + f.message() + "\n" + input);
      return "ABI" + big;
    } finally {
      engine.unload(rule);
    }
  }

  /** 1..5 events: floats, strings and bytes (up to 5 MB), a value-less BAD sample, a stranger. */
  private static List<PointEvent> batch(SplittableRandom r) {
    int[] sizes = {0, 1, 7, 1000, 30_000, 61_000, 70_000, 300_000};
    List<PointEvent> batch = new ArrayList<>();
    int n = 1 + r.nextInt(5);
    boolean huge = r.nextInt(12) == 0;
    for (int i = 0; i < n; i++) {
      int length = huge && i == 0 ? 5_000_000 : sizes[r.nextInt(sizes.length)];
      String point = "tank/p" + r.nextInt(3);
      batch.add(
          switch (r.nextInt(5)) {
            case 0 -> Events.f64(point, r.nextDouble());
            case 1 -> Events.of(point, PointValue.of(text(r, length)));
            case 2 -> Events.of(point, PointValue.of(bytes(r, length)));
            case 3 ->
                new PointEvent(
                    PointId.parse(point), null, Quality.bad("no value"), Events.T0, Events.T0, 1);
            default -> Events.f64("boiler/x", 1); // not subscribed
          });
    }
    return batch;
  }

  private static String text(SplittableRandom r, int length) {
    String alphabet = "aZ09 ä€";
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return s.toString(); // up to 3 UTF-8 bytes per character
  }

  private static byte[] bytes(SplittableRandom r, int length) {
    byte[] b = new byte[length];
    r.nextBytes(b);
    return b;
  }

  /** The batch's size (32 x records + payload bytes) and the actions the rule must commit. */
  private static long expect(
      List<PointEvent> batch, Map<PointId, Integer> ids, List<RuleAction> out) {
    PointId pump = PointId.parse("pump/out");
    ids.put(pump, 0); // er_init resolved it
    long size = 0;
    for (PointEvent e : batch) {
      if (!e.point().device().equals("tank")) {
        continue;
      }
      int id = ids.computeIfAbsent(e.point(), p -> ids.size());
      PointValue v = e.value();
      int type =
          v == null
              ? 0
              : v instanceof PointValue.Bool
                  ? 1
                  : v instanceof PointValue.Int64 ? 2 : v instanceof PointValue.Float64 ? 3 : 0;
      byte[] payload = null;
      if (v instanceof PointValue.Text t) {
        type = 4;
        payload = t.value().getBytes(StandardCharsets.UTF_8);
      } else if (v instanceof PointValue.Bytes b) {
        type = 5;
        payload = b.value();
      }
      int quality = e.quality().status() == Quality.Status.GOOD ? 0 : 2;
      out.add(write(pump, id | (long) type << 32 | (long) quality << 40));
      size += 32;
      if (payload != null) {
        long h = 0;
        for (byte b : payload) {
          h = h * 31 + (b & 0xff);
        }
        out.add(write(pump, payload.length));
        out.add(write(pump, h));
        size += payload.length;
      }
    }
    return size;
  }

  private static RuleAction write(PointId point, long value) {
    return new RuleAction.WritePoint(point, PointValue.of(value));
  }

  private static String describe(List<PointEvent> batch) {
    StringBuilder s = new StringBuilder("[");
    for (PointEvent e : batch) {
      PointValue v = e.value();
      s.append(e.point())
          .append('=')
          .append(
              v instanceof PointValue.Text t
                  ? "string(" + t.value().length() + " chars)"
                  : v instanceof PointValue.Bytes b ? "bytes(" + b.length() + ")" : v)
          .append(' ');
    }
    return s.append(']').toString();
  }
}
