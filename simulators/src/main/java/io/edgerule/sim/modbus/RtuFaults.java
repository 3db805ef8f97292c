package io.edgerule.sim.modbus;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Faults an {@link ModbusRtuSimulator} injects into its answers, per unit, set from a test or the
 * command line while it runs. Counted faults apply to that many next answers of the unit ({@link
 * #ALWAYS} for every answer until {@link #clear(int)}).
 *
 * <pre>{@code
 * sim.faults().silence(3);                        // unit 3 never answers (a dead slave)
 * sim.faults().corruptCrc(1, 2);                  // its next 2 answers have a wrong CRC
 * sim.faults().garbageBefore(1, 1);               // noise on the line right before the next answer
 * sim.faults().delay(2, Duration.ofMillis(300), 1); // the next answer comes 300 ms late
 * sim.faults().exception(1, SimTable.HOLDING_REGISTER, 7, 4); // reads touching hr 7: exception 04
 * sim.noise(new byte[] {0x55, 0x00});             // bytes on the line now, unasked
 * }</pre>
 */
public final class RtuFaults {
  /** A count meaning "every answer, until cleared". */
  public static final int ALWAYS = Integer.MAX_VALUE;

  /** The garbage written before an answer: no valid frame start for any unit. */
  static final byte[] GARBAGE = {(byte) 0xFF, 0x00, (byte) 0xAA, 0x55, (byte) 0xFE};

  private record AddressKey(int unit, SimTable table, int address) {}

  private static final class UnitFaults {
    boolean silent;
    int corruptCrc;
    int garbage;
    int delayed;
    Duration delay = Duration.ZERO;
  }

  /** What to do with one answer of a unit. */
  record Plan(boolean silent, boolean corruptCrc, boolean garbageBefore, Duration delay) {
    static final Plan NORMAL = new Plan(false, false, false, Duration.ZERO);
  }

  private final Map<Integer, UnitFaults> units = new HashMap<>();
  private final Map<AddressKey, Integer> exceptions = new HashMap<>();

  private UnitFaults of(int unit) {
    return units.computeIfAbsent(unit, u -> new UnitFaults());
  }

  /** The unit stops answering (requests are still logged). */
  public synchronized RtuFaults silence(int unit) {
    of(unit).silent = true;
    return this;
  }

  /** The unit answers again. */
  public synchronized RtuFaults answer(int unit) {
    of(unit).silent = false;
    return this;
  }

  /** The next {@code count} answers of {@code unit} go out with their CRC's high byte flipped. */
  public synchronized RtuFaults corruptCrc(int unit, int count) {
    of(unit).corruptCrc = checkCount(count);
    return this;
  }

  /** The next {@code count} answers of {@code unit} follow {@link #GARBAGE} bytes on the line. */
  public synchronized RtuFaults garbageBefore(int unit, int count) {
    of(unit).garbage = checkCount(count);
    return this;
  }

  /** The next {@code count} answers of {@code unit} go out {@code delay} after the request. */
  public synchronized RtuFaults delay(int unit, Duration delay, int count) {
    Objects.requireNonNull(delay, "delay");
    UnitFaults f = of(unit);
    f.delay = delay;
    f.delayed = checkCount(count);
    return this;
  }

  /** Any request of {@code unit} touching {@code table[address]} answers exception {@code code}. */
  public synchronized RtuFaults exception(int unit, SimTable table, int address, int code) {
    if (code < 1 || code > 0x7F) {
      throw new IllegalArgumentException("exception code must be 1..127, got " + code);
    }
    exceptions.put(new AddressKey(unit, table, address), code);
    return this;
  }

  /** Every fault of {@code unit} off. */
  public synchronized RtuFaults clear(int unit) {
    units.remove(unit);
    exceptions.keySet().removeIf(k -> k.unit() == unit);
    return this;
  }

  /** Every fault of every unit off. */
  public synchronized RtuFaults clear() {
    units.clear();
    exceptions.clear();
    return this;
  }

  private static int checkCount(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    return count;
  }

  /** The forced exception code for a request, or 0. */
  synchronized int exceptionFor(int unit, SimTable table, int address, int quantity) {
    for (var e : exceptions.entrySet()) {
      AddressKey k = e.getKey();
      if (k.unit() == unit
          && k.table() == table
          && k.address() >= address
          && k.address() < address + quantity) {
        return e.getValue();
      }
    }
    return 0;
  }

  /** Takes the plan for the unit's next answer, counting down counted faults. */
  synchronized Plan next(int unit) {
    UnitFaults f = units.get(unit);
    if (f == null) {
      return Plan.NORMAL;
    }
    if (f.silent) {
      return new Plan(true, false, false, Duration.ZERO);
    }
    boolean crc = take(f.corruptCrc);
    f.corruptCrc = countDown(f.corruptCrc);
    boolean garbage = take(f.garbage);
    f.garbage = countDown(f.garbage);
    Duration delay = take(f.delayed) ? f.delay : Duration.ZERO;
    f.delayed = countDown(f.delayed);
    return new Plan(false, crc, garbage, delay);
  }

  private static boolean take(int count) {
    return count > 0;
  }

  private static int countDown(int count) {
    return count == ALWAYS || count == 0 ? count : count - 1;
  }
}
