package io.edgerule.daemon.cli;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Random events as a gateway can take them in, biased to the edges of every field: each value type,
 * doubles that are hard to print (-0.0, subnormals, 17-digit values, NaN, infinities), int64 beyond
 * double precision, strings with control characters, quotes, U+2028/2029, surrogate pairs and lone
 * surrogates, long strings and bytes, GOOD/UNCERTAIN/BAD with odd reasons (a GOOD OPC UA sub-code
 * keeps its name), point ids made of every allowed character, times with nanoseconds across the
 * whole range replay accepts (epoch milliseconds of a long), sequences up to Long.MAX_VALUE.
 * Receive times never go backwards and sequences strictly increase, as the gateway's ingress stamps
 * them.
 */
final class RecordReplayEvents {
  static final String SEGMENT_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-";

  /** The smallest and largest instants whose epoch milliseconds fit a long (replay's range). */
  static final Instant MIN_TIME = Instant.ofEpochMilli(Long.MIN_VALUE);

  static final Instant MAX_TIME = Instant.ofEpochMilli(Long.MAX_VALUE).plusNanos(999_999);

  static final List<Double> DOUBLES =
      List.of(
          0.0,
          -0.0,
          Double.MIN_VALUE,
          -Double.MIN_VALUE,
          Double.MIN_NORMAL,
          Double.longBitsToDouble(0x000f_ffff_ffff_ffffL), // the largest subnormal
          Double.MAX_VALUE,
          -Double.MAX_VALUE,
          Double.NaN,
          Double.POSITIVE_INFINITY,
          Double.NEGATIVE_INFINITY,
          0.1,
          1.0 / 3,
          2.0e-3, // Java 17's Double.toString prints 0.0020
          1.0e23,
          8.41e21,
          5.0e-324,
          4.9406564584124654e-324,
          2.2250738585072011e-308,
          9007199254740993.0,
          (double) (float) 123.456,
          Math.nextUp(1.0),
          Math.nextDown(1.0));

  static final List<Long> LONGS =
      List.of(
          Long.MIN_VALUE,
          Long.MIN_VALUE + 1,
          Long.MAX_VALUE,
          Long.MAX_VALUE - 1,
          (1L << 53) + 1,
          -(1L << 53) - 1,
          0L,
          -1L);

  static final List<Instant> INSTANTS =
      List.of(
          MIN_TIME,
          MIN_TIME.plusNanos(999_999),
          MAX_TIME,
          Instant.ofEpochMilli(Long.MAX_VALUE),
          Instant.EPOCH,
          Instant.EPOCH.minusNanos(1),
          Instant.parse("0000-01-01T00:00:00Z"),
          Instant.parse("-0001-12-31T23:59:59.999999999Z"),
          Instant.parse("9999-12-31T23:59:59.999999999Z"),
          Instant.parse("+10000-01-01T00:00:00.000000001Z"),
          Instant.parse("2026-11-21T10:00:00.123456789Z"));

  private static final String SPECIAL =
      "\"\\/\b\f\n\r\t\u0000\u0001\u001f\u007f\u0085\u00a0\u2028\u2029\ufeff\ufffd\uffff{}[]:,";

  private final SplittableRandom random;

  RecordReplayEvents(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** {@code n} events in recording order (n >= 2): the last has sequence Long.MAX_VALUE. */
  List<PointEvent> events(int n) {
    TreeSet<Long> seqs = new TreeSet<>(List.of(1L, Long.MAX_VALUE));
    while (seqs.size() < n) {
      seqs.add(
          random.nextBoolean() ? random.nextLong(1, 10 * n) : random.nextLong(1, Long.MAX_VALUE));
    }
    Instant[] received = new Instant[n];
    for (int i = 0; i < n; i++) {
      received[i] = i > 0 && random.nextInt(8) == 0 ? received[i - 1] : instant();
    }
    Arrays.sort(received);
    List<PointEvent> events = new ArrayList<>(n);
    Long[] seq = seqs.toArray(Long[]::new);
    for (int i = 0; i < n; i++) {
      Quality quality = quality();
      PointValue value = quality.isGood() || random.nextBoolean() ? value() : null;
      events.add(new PointEvent(point(), value, quality, instant(), received[i], seq[i]));
    }
    return events;
  }

  PointId point() {
    return switch (random.nextInt(6)) {
      case 0 -> new PointId(segment(1), segment(1));
      case 1 -> new PointId(segment(2_000), segment(2_000) + "/" + segment(2_000));
      case 2 -> new PointId(SEGMENT_CHARS, String.join("/", SEGMENT_CHARS.split("")));
      default -> {
        StringBuilder point = new StringBuilder(segment(12));
        for (int s = random.nextInt(4); s > 0; s--) {
          point.append('/').append(segment(12));
        }
        yield new PointId(segment(12), point.toString());
      }
    };
  }

  private String segment(int maxLength) {
    StringBuilder b = new StringBuilder();
    for (int i = 1 + random.nextInt(maxLength); i > 0; i--) {
      b.append(SEGMENT_CHARS.charAt(random.nextInt(SEGMENT_CHARS.length())));
    }
    return b.toString();
  }

  Quality quality() {
    return switch (random.nextInt(5)) {
      case 0, 1 -> Quality.GOOD;
      case 2 -> new Quality(Quality.Status.GOOD, nonBlank()); // e.g. OPC UA Good_LocalOverride
      case 3 -> Quality.uncertain(nonBlank());
      default -> Quality.bad(nonBlank());
    };
  }

  private String nonBlank() {
    String s = text(40);
    return s.isBlank() ? "x" + s : s;
  }

  PointValue value() {
    return switch (random.nextInt(5)) {
      case 0 -> PointValue.of(random.nextBoolean());
      case 1 ->
          PointValue.of(
              random.nextBoolean() ? LONGS.get(random.nextInt(LONGS.size())) : random.nextLong());
      case 2 -> PointValue.of(dbl());
      case 3 -> PointValue.of(random.nextInt(50) == 0 ? text(200_000) : text(40));
      default -> {
        byte[] bytes =
            new byte[random.nextInt(50) == 0 ? random.nextInt(300_000) : random.nextInt(40)];
        random.nextBytes(bytes);
        yield PointValue.of(bytes);
      }
    };
  }

  double dbl() {
    return switch (random.nextInt(5)) {
      case 0 -> DOUBLES.get(random.nextInt(DOUBLES.size()));
      case 1 -> Double.longBitsToDouble(random.nextLong()); // 17 digits, any exponent, NaN payloads
      case 2 -> Double.longBitsToDouble(random.nextLong() & 0x800f_ffff_ffff_ffffL); // subnormal
      case 3 -> random.nextInt(-100_000, 100_000) / 100.0;
      default -> random.nextDouble() * Math.pow(10, random.nextInt(-30, 30));
    };
  }

  /** Up to {@code maxLength} chars drawn from ASCII, the special set, the BMP and beyond. */
  String text(int maxLength) {
    StringBuilder b = new StringBuilder();
    for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
      switch (random.nextInt(6)) {
        case 0 -> b.append((char) random.nextInt(0x20, 0x7f));
        case 1 -> b.append(SPECIAL.charAt(random.nextInt(SPECIAL.length())));
        case 2 -> b.append((char) random.nextInt(0x80, 0xd800));
        case 3 -> b.appendCodePoint(random.nextInt(0x10000, 0x110000)); // a surrogate pair
        case 4 -> b.append((char) random.nextInt(0xd800, 0xe000)); // a lone surrogate
        default -> b.append((char) random.nextInt(0x20));
      }
    }
    return b.toString();
  }

  Instant instant() {
    return switch (random.nextInt(4)) {
      case 0 -> INSTANTS.get(random.nextInt(INSTANTS.size()));
      case 1 -> Instant.ofEpochMilli(random.nextLong()).plusNanos(random.nextInt(1_000_000));
      default ->
          Instant.parse("2026-11-21T10:00:00Z")
              .plusSeconds(random.nextLong(-86_400L * 366 * 100, 86_400L * 366 * 100))
              .plusNanos(random.nextInt(1_000_000_000));
    };
  }
}
