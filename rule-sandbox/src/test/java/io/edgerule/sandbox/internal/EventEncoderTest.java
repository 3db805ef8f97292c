package io.edgerule.sandbox.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.sandbox.RuleManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ABI v1 event records, byte for byte (docs/reference/rule-abi.md, "Event records"). */
class EventEncoderTest {
  private static final Instant T = Instant.parse("2026-11-21T10:00:00Z"); // 1795255200000 ms

  private static PointEvent event(String point, PointValue v, Quality q, long seq) {
    return new PointEvent(PointId.parse(point), v, q, T, T.plusSeconds(1), seq);
  }

  /** Reads an annotated hex vector from src/test/resources/vectors ('#' starts a comment). */
  static byte[] vector(String name) {
    try (InputStream in = EventEncoderTest.class.getResourceAsStream("/vectors/" + name)) {
      StringBuilder hex = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        int hash = line.indexOf('#');
        hex.append((hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s+", ""));
      }
      return HexFormat.of().parseHex(hex);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void encodesRecordsThenPayloadsWithAbsoluteAddresses() {
    RuleManifest manifest = RuleManifest.parse("name: t\ninputs: ['tank/#']\n", "t.yaml");
    PointTable ids = new PointTable(manifest);
    List<PointEvent> batch =
        List.of(
            event("tank/level", PointValue.of(42.5), Quality.GOOD, 7),
            event("boiler/x", PointValue.of(1L), Quality.GOOD, 8), // not subscribed: left out
            event("tank/name", PointValue.of("hi"), Quality.uncertain("stale"), 9),
            event("tank/pump", null, Quality.bad("timeout after 1000 ms"), 10),
            event("tank/on", PointValue.of(true), Quality.GOOD, 11),
            event("tank/count", PointValue.of(-2L), Quality.GOOD, 12));

    EventEncoder encoder = new EventEncoder();
    assertEquals(5, encoder.encode(batch, ids));
    encoder.relocate(0x1000);

    byte[] expected = vector("abi-v1-events.hex");
    assertEquals(expected.length, encoder.size());
    assertArrayEquals(expected, Arrays.copyOf(encoder.bytes(), encoder.size()));
  }

  @Test
  void idsResolvedInInitComeFirstAndStayStable() {
    RuleManifest manifest =
        RuleManifest.parse("name: t\ninputs: ['tank/#']\nwritable_points: [tank/pump]\n", "t.yaml");
    PointTable ids = new PointTable(manifest);
    assertEquals(0, ids.resolve("tank/pump")); // writable, not an input (no events delivered)
    assertEquals(1, ids.resolve("tank/level"));
    assertEquals(Abi.ERR_DENIED, ids.resolve("boiler/level"));
    assertEquals(Abi.ERR_INVALID, ids.resolve("no-slash"));
    assertEquals(1, ids.resolve("tank/level"), "resolving twice gives the same id");
    assertEquals(1, ids.idOf(PointId.parse("tank/level")));
    assertEquals(-1, ids.idOf(PointId.parse("boiler/level")));
    assertEquals(2, ids.idOf(PointId.parse("tank/extra")), "assigned on first event");
    assertEquals(PointId.parse("tank/extra"), ids.name(2));
    assertEquals(true, ids.isWritable(0));
    assertEquals(false, ids.isWritable(1));
  }

  @Test
  void aBatchWithNothingForTheRuleEncodesToNothing() {
    RuleManifest manifest = RuleManifest.parse("name: t\ninputs: ['tank/#']\n", "t.yaml");
    EventEncoder encoder = new EventEncoder();
    assertEquals(
        0,
        encoder.encode(
            List.of(event("boiler/x", PointValue.of(1L), Quality.GOOD, 1)),
            new PointTable(manifest)));
    assertEquals(0, encoder.size());
  }

  @Test
  void epochMillisMatchesInstantToEpochMilliAndSaturatesBeyondItsRange() {
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 100_000; i++) {
      long seconds = random.nextLong() % (Long.MAX_VALUE / 1000 - 1);
      if (i % 2 == 0) {
        seconds %= 10_000_000_000L; // also plenty near the epoch, on both sides
      }
      java.time.Instant t = java.time.Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000));
      assertEquals(t.toEpochMilli(), EventEncoder.epochMillis(t), t.toString());
    }
    java.time.Instant early = java.time.Instant.ofEpochSecond(-1, 999_999_999);
    assertEquals(-1L, EventEncoder.epochMillis(early), "floor, as toEpochMilli");
    assertEquals(Long.MAX_VALUE, EventEncoder.epochMillis(java.time.Instant.MAX));
    assertEquals(Long.MIN_VALUE, EventEncoder.epochMillis(java.time.Instant.MIN));
  }

  @Test
  void severalPayloadsPointAtTheirBytesAcrossReusedBatches() {
    RuleManifest manifest = RuleManifest.parse("name: t\ninputs: ['tank/#']\n", "t.yaml");
    PointTable ids = new PointTable(manifest);
    EventEncoder encoder = new EventEncoder();
    for (int round = 0; round < 3; round++) {
      String text = "text-" + "x".repeat(round * 300);
      byte[] raw = new byte[round + 1];
      Arrays.fill(raw, (byte) (0x40 + round));
      List<PointEvent> batch =
          List.of(
              event("boiler/x", PointValue.of(text + "!"), Quality.GOOD, 1), // left out
              event("tank/a", PointValue.of(text), Quality.GOOD, 2),
              event("tank/b", PointValue.of(1.0), Quality.GOOD, 3),
              event("tank/c", PointValue.of(raw), Quality.GOOD, 4));
      assertEquals(3, encoder.encode(batch, ids));
      int base = 0x2000 + round;
      encoder.relocate(base);
      byte[] out = Arrays.copyOf(encoder.bytes(), encoder.size());
      java.nio.ByteBuffer le =
          java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      int textAt = le.getInt(Abi.OFF_VALUE) - base;
      int textLen = le.getInt(Abi.OFF_VALUE + 4);
      assertEquals(
          text, new String(out, textAt, textLen, StandardCharsets.UTF_8), "round " + round);
      int rawAt = le.getInt(2 * Abi.RECORD_SIZE + Abi.OFF_VALUE) - base;
      int rawLen = le.getInt(2 * Abi.RECORD_SIZE + Abi.OFF_VALUE + 4);
      assertArrayEquals(raw, Arrays.copyOfRange(out, rawAt, rawAt + rawLen), "round " + round);
      assertEquals(3 * Abi.RECORD_SIZE + textLen + rawLen, encoder.size(), "round " + round);
    }
  }
}
