package io.edgerule.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The host-call fuzz's vocabulary: every gw import of ABI v1 as WAT, the data a fuzz rule keeps in
 * its memory, and random calls with hostile arguments (pointers at 0, at and past the end of
 * memory, "negative"; lengths 0, huge, negative; unknown ids; out-of-range flags, levels and
 * severities; NaN and infinities; names that are not UTF-8 or not valid).
 */
final class HostCalls {
  private HostCalls() {}

  /** One call of a gw function; i32 arguments as int values, i64 and f64 as their 64 bits. */
  record Call(String fn, long[] args) {
    String wat() {
      String types = PARAMS.get(fn);
      StringBuilder s = new StringBuilder("(call $").append(fn);
      for (int i = 0; i < types.length(); i++) {
        s.append(
            switch (types.charAt(i)) {
              case 'i' -> " (i32.const " + (int) args[i] + ")";
              case 'l' -> " (i64.const " + args[i] + ")";
              default -> " (f64.reinterpret_i64 (i64.const " + args[i] + "))";
            });
      }
      return s.append(')').toString();
    }

    @Override
    public String toString() {
      return wat();
    }
  }

  /** Parameter types of each import: i = i32, l = i64, d = f64. */
  static final Map<String, String> PARAMS =
      Map.ofEntries(
          Map.entry("point_id", "ii"),
          Map.entry("topic_id", "ii"),
          Map.entry("point_name", "iii"),
          Map.entry("now_ms", ""),
          Map.entry("write_bool", "ii"),
          Map.entry("write_i64", "il"),
          Map.entry("write_f64", "id"),
          Map.entry("publish", "iiii"),
          Map.entry("alarm_raise", "iiiii"),
          Map.entry("alarm_clear", "ii"),
          Map.entry("log", "iii"),
          Map.entry("state_get", "iiii"),
          Map.entry("state_put", "iiii"));

  /** All 13 imports of ABI v1 (docs/reference/rule-abi.md), each bound to $name. */
  static final String IMPORTS =
      String.join(
          "\n  ",
          "(import \"gw\" \"point_id\" (func $point_id (param i32 i32) (result i32)))",
          "(import \"gw\" \"topic_id\" (func $topic_id (param i32 i32) (result i32)))",
          "(import \"gw\" \"point_name\" (func $point_name (param i32 i32 i32) (result i32)))",
          "(import \"gw\" \"now_ms\" (func $now_ms (result i64)))",
          "(import \"gw\" \"write_bool\" (func $write_bool (param i32 i32) (result i32)))",
          "(import \"gw\" \"write_i64\" (func $write_i64 (param i32 i64) (result i32)))",
          "(import \"gw\" \"write_f64\" (func $write_f64 (param i32 f64) (result i32)))",
          "(import \"gw\" \"publish\" (func $publish (param i32 i32 i32 i32) (result i32)))",
          "(import \"gw\" \"alarm_raise\""
              + " (func $alarm_raise (param i32 i32 i32 i32 i32) (result i32)))",
          "(import \"gw\" \"alarm_clear\" (func $alarm_clear (param i32 i32) (result i32)))",
          "(import \"gw\" \"log\" (func $log (param i32 i32 i32)))",
          "(import \"gw\" \"state_get\" (func $state_get (param i32 i32 i32 i32) (result i32)))",
          "(import \"gw\" \"state_put\" (func $state_put (param i32 i32 i32 i32) (result i32)))");

  /** The grants every fuzz rule gets; its limits are small so that the fuzz reaches them. */
  static final String GRANTS =
      "inputs: ['tank/#']\n"
          + "writable_points: [pump/out]\n"
          + "topics: [status, 'alarm/#']\n"
          + "alarms: ['high/#', overtemp]\n";

  static final String LIMITS =
      "deadline: 10s, init_deadline: 10s, max_actions: 24, max_action_bytes: 2048,"
          + " state_bytes: 512";

  /** Bytes at a fixed address of a fuzz rule's memory. */
  record Datum(int address, byte[] bytes) {
    int length() {
      return bytes.length;
    }
  }

  private static Datum d(int address, String text) {
    return new Datum(address, text.getBytes(StandardCharsets.UTF_8));
  }

  private static Datum raw(int address, int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return new Datum(address, b);
  }

  static final Datum TANK_LEVEL = d(0, "tank/level");
  static final Datum PUMP_OUT = d(16, "pump/out");
  static final Datum TANK_EXTRA = d(32, "tank/extra");
  static final Datum BOILER = d(48, "boiler/x");
  static final Datum STATUS = d(80, "status");
  static final Datum ALARM_X = d(96, "alarm/x");
  static final Datum OTHER_TOPIC = d(112, "other");
  static final Datum HIGH_LEVEL = d(144, "high/level");
  static final Datum NOPE = d(160, "nope");
  static final Datum KEY1 = d(256, "k1");
  static final Datum KEY2 = d(272, "k2");
  static final Datum KEY128 = d(288, "k".repeat(128));
  static final Datum HELLO = d(560, "hello");
  static final Datum ALARM256 = d(592, "high/" + "x".repeat(251));
  static final Datum POINT256 = d(1120, "tank/" + "y".repeat(251));
  static final Datum OVERTEMP = d(1376, "overtemp");
  static final Datum PATTERN = patterned(2048, 700);

  static final List<Datum> DATA =
      List.of(
          TANK_LEVEL,
          PUMP_OUT,
          TANK_EXTRA,
          BOILER,
          d(64, "bad//name"),
          STATUS,
          ALARM_X,
          OTHER_TOPIC,
          d(128, "a/+"),
          HIGH_LEVEL,
          NOPE,
          d(176, "high/a b"), // a space: not a valid name
          raw(192, 'h', 'i', 'g', 'h', '/', 0, 'x'), // NUL in a name
          raw(208, 0xff, 0xfe, 0xfd), // not UTF-8
          d(224, "high/été"), // UTF-8, but not the names' alphabet
          KEY1,
          KEY2,
          KEY128,
          d(416, "q".repeat(129)), // one byte too long for a key
          HELLO,
          raw(576, 0xed, 0xa0, 0x80), // an encoded surrogate: not UTF-8
          ALARM256,
          d(848, "high/" + "x".repeat(252)), // one byte too long for a name
          POINT256,
          OVERTEMP,
          raw(1392, 'h', 'i', 'g', 'h', '/', '\n', 'x'), // a line break in a name
          d(1408, "high/#"),
          d(1424, "tank/level/x"),
          d(1440, "/status"),
          d(1456, "k\u00e9"), // a UTF-8 key
          PATTERN);

  private static Datum patterned(int address, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 7 + 3);
    }
    return new Datum(address, b);
  }

  /** "status" ending exactly at the end of memory. */
  static Datum atEnd(int memorySize) {
    return d(memorySize - 6, "status");
  }

  static List<Datum> data(int memorySize) {
    List<Datum> all = new ArrayList<>(DATA);
    all.add(atEnd(memorySize));
    return all;
  }

  static byte[] memory(int memorySize) {
    byte[] memory = new byte[memorySize];
    for (Datum datum : data(memorySize)) {
      System.arraycopy(datum.bytes(), 0, memory, datum.address(), datum.length());
    }
    return memory;
  }

  static String dataSegments(int memorySize) {
    StringBuilder s = new StringBuilder();
    for (Datum datum : data(memorySize)) {
      s.append("(data (i32.const ").append(datum.address()).append(") \"");
      for (byte b : datum.bytes()) {
        s.append('\\').append(Character.forDigit((b >> 4) & 0xf, 16));
        s.append(Character.forDigit(b & 0xf, 16));
      }
      s.append("\")\n  ");
    }
    return s.toString();
  }

  // ---- random calls ----

  private static final String[] FUNCTIONS = {
    "point_id",
    "topic_id",
    "point_name",
    "now_ms",
    "write_bool",
    "write_i64",
    "write_f64",
    "publish",
    "alarm_raise",
    "alarm_clear",
    "log",
    "state_get",
    "state_put"
  };

  /** Relative weights of FUNCTIONS during er_on_events / er_on_tick. */
  private static final int[] CALL_WEIGHTS = {3, 3, 6, 2, 5, 5, 6, 9, 8, 6, 7, 7, 8};

  /** During init, lookups and state reads are what a rule does. */
  private static final int[] INIT_WEIGHTS = {10, 8, 6, 2, 1, 1, 1, 1, 1, 1, 8, 6, 3};

  /** Random calls for one program, given how many point and topic ids exist now. */
  static final class Generator {
    private final SplittableRandom r;
    private final int memorySize;
    private final int hostility;

    /**
     * @param hostility percent of arguments drawn from the hostile values (the rest are plausible)
     */
    Generator(SplittableRandom r, int memorySize, int hostility) {
      this.r = r;
      this.memorySize = memorySize;
      this.hostility = hostility;
    }

    private boolean hostile() {
      return r.nextInt(100) < hostility;
    }

    /** A burst of valid emits that crosses max_actions (24) or max_action_bytes (2048). */
    List<Call> burst() {
      List<Call> calls = new ArrayList<>();
      int kind = r.nextInt(3);
      int n = 20 + r.nextInt(12);
      for (int i = 0; i < n; i++) {
        calls.add(
            switch (kind) {
              case 0 -> call("log", 2, HELLO.address(), HELLO.length());
              case 1 -> call("publish", 0, PATTERN.address(), 150 + r.nextInt(100), 0);
              default -> call("write_i64", 1, r.nextLong());
            });
      }
      return calls;
    }

    Call next(boolean init, int points, int topics) {
      String fn = pick(init ? INIT_WEIGHTS : CALL_WEIGHTS);
      return switch (fn) {
        case "point_id" -> nameCall(fn, TANK_LEVEL, PUMP_OUT, TANK_EXTRA, POINT256, BOILER);
        case "topic_id" -> nameCall(fn, STATUS, ALARM_X, OTHER_TOPIC);
        case "point_name" -> {
          long[] buf = region();
          yield call(fn, id(points), buf[0], capacity());
        }
        case "now_ms" -> call(fn);
        case "write_bool" ->
            call(fn, writeId(points), r.nextBoolean() ? r.nextInt(2) : r.nextInt());
        case "write_i64" ->
            call(fn, writeId(points), r.nextBoolean() ? r.nextLong() : r.nextInt(100));
        case "write_f64" -> call(fn, writeId(points), doubleBits());
        case "publish" -> {
          long[] payload = region(HELLO, PATTERN);
          yield call(fn, id(topics), payload[0], payload[1], flags());
        }
        case "alarm_raise" -> {
          long[] name = region(HIGH_LEVEL, OVERTEMP, ALARM256, NOPE);
          long[] message = region(HELLO, PATTERN);
          yield call(fn, name[0], name[1], severity(), message[0], message[1]);
        }
        case "alarm_clear" -> nameCall(fn, HIGH_LEVEL, OVERTEMP, ALARM256, NOPE);
        case "log" -> {
          long[] message = region(HELLO, PATTERN);
          yield call(fn, level(), message[0], message[1]);
        }
        case "state_get" -> {
          long[] key = region(KEY1, KEY2, KEY128);
          long[] buf = region();
          yield call(fn, key[0], key[1], buf[0], capacity());
        }
        default -> {
          long[] key = region(KEY1, KEY2, KEY128);
          long[] value = region(PATTERN, HELLO);
          if (r.nextInt(8) == 0) {
            value[1] = 0; // delete
          }
          yield call(fn, key[0], key[1], value[0], value[1]);
        }
      };
    }

    private String pick(int[] weights) {
      int total = 0;
      for (int w : weights) {
        total += w;
      }
      int x = r.nextInt(total);
      for (int i = 0; i < weights.length; i++) {
        x -= weights[i];
        if (x < 0) {
          return FUNCTIONS[i];
        }
      }
      throw new AssertionError();
    }

    private Call nameCall(String fn, Datum... preferred) {
      long[] name = region(preferred);
      return call(fn, name[0], name[1]);
    }

    /**
     * A (pointer, length) pair: mostly one of the preferred data, else any datum, else a hostile
     * region (at or past the end of memory, "negative", huge).
     */
    long[] region(Datum... preferred) {
      List<Datum> all = data(memorySize);
      Datum datum =
          preferred != null && preferred.length > 0 && r.nextBoolean()
              ? preferred[r.nextInt(preferred.length)]
              : all.get(r.nextInt(all.size()));
      int end = memorySize;
      if (!hostile()) {
        return pair(datum.address(), datum.length());
      }
      int p = r.nextInt(100); // the hostile kinds
      if (p < 10) {
        return pair(datum.address(), datum.length() + r.nextInt(5) - 2);
      }
      if (p < 20) {
        int n = r.nextInt(17);
        return pair(end - n, n); // ends exactly at the end of memory
      }
      if (p < 30) {
        int n = 1 + r.nextInt(16);
        return pair(end - n + 1 + r.nextInt(8), n); // straddles the end
      }
      if (p < 36) {
        return pair(end, 0);
      }
      if (p < 42) {
        return pair(end + 1 + r.nextInt(1 << 20), r.nextInt(8));
      }
      if (p < 56) {
        int[] hostile = {
          0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0xffff_fff8, 0xffff_0000, 2 * end, end + 8
        };
        return pair(hostile[r.nextInt(hostile.length)], datum.length());
      }
      if (p < 72) {
        int[] hostile = {
          -1,
          Integer.MIN_VALUE,
          Integer.MAX_VALUE,
          0x7fff_fff0,
          end,
          end + 1,
          257,
          129,
          2049,
          2 * end,
          -datum.address()
        };
        return pair(datum.address(), hostile[r.nextInt(hostile.length)]);
      }
      if (p < 76) {
        return pair(0, 0);
      }
      if (p < 84) {
        return pair(0, r.nextInt(end + 1)); // up to all of memory
      }
      if (p < 92) {
        int n = r.nextInt(end + 1);
        return pair(end - n, n);
      }
      return pair(r.nextInt(), r.nextInt());
    }

    private static long[] pair(int address, int length) {
      return new long[] {address, length};
    }

    /** Mostly pump/out (id 1, the writable point), else any id. */
    private int writeId(int count) {
      return count > 1 && !hostile() ? 1 : id(count);
    }

    private int id(int count) {
      if (count > 0 && !hostile()) {
        return r.nextInt(count);
      }
      int[] hostile = {count, count + 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1000};
      return r.nextInt(8) == 0 ? r.nextInt() : hostile[r.nextInt(hostile.length)];
    }

    private int flags() {
      if (!hostile()) {
        return r.nextInt(8);
      }
      int[] hostile = {3, 7, 8, 16, -1, Integer.MIN_VALUE, 0x8000_0004, 0x100};
      return r.nextInt(8) == 0 ? r.nextInt() : hostile[r.nextInt(hostile.length)];
    }

    private int level() {
      if (!hostile()) {
        return r.nextInt(5);
      }
      int[] hostile = {-1, 5, Integer.MIN_VALUE, Integer.MAX_VALUE, 256};
      return r.nextInt(8) == 0 ? r.nextInt() : hostile[r.nextInt(hostile.length)];
    }

    private int severity() {
      if (!hostile()) {
        int[] good = {1, 500, 1000, 1 + r.nextInt(1000)};
        return good[r.nextInt(good.length)];
      }
      int[] hostile = {0, 1001, -1, Integer.MIN_VALUE, Integer.MAX_VALUE};
      return r.nextInt(8) == 0 ? r.nextInt() : hostile[r.nextInt(hostile.length)];
    }

    private int capacity() {
      int[] caps = {
        0, 1, 4, 10, 16, 300, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, memorySize, r.nextInt()
      };
      return caps[r.nextInt(caps.length)];
    }

    private long doubleBits() {
      long[] special = {
        0x7ff8_0000_0000_0000L, // NaN
        0x7ff0_0000_0000_0001L, // signalling NaN
        0xfff8_0000_0000_0000L, // negative NaN
        0x7ff0_0000_0000_0000L, // +Infinity
        0xfff0_0000_0000_0000L, // -Infinity
        0x8000_0000_0000_0000L, // -0.0
        1L, // the smallest subnormal
        Double.doubleToLongBits(Double.MAX_VALUE)
      };
      return r.nextBoolean()
          ? special[r.nextInt(special.length)]
          : Double.doubleToLongBits(r.nextDouble() * 1e6 - 5e5);
    }
  }

  static Call call(String fn, long... args) {
    return new Call(fn, args);
  }
}
