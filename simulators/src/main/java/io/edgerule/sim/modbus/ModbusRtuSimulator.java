package io.edgerule.sim.modbus;

import com.digitalpetri.modbus.Crc16;
import com.digitalpetri.modbus.ModbusRtuFrame;
import com.digitalpetri.modbus.exceptions.UnknownUnitIdException;
import com.digitalpetri.modbus.server.ModbusRequestContext.ModbusRtuRequestContext;
import com.digitalpetri.modbus.server.ModbusRtuServer;
import com.digitalpetri.modbus.server.ModbusRtuServerTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Modbus RTU slave bus: several {@link SimUnit}s behind one serial line (a real port or one end
 * of a socat pty pair) or behind a TCP socket carrying RTU frames (like a serial device server),
 * with fault injection ({@link #faults()}). Requests are answered by digitalpetri's {@link
 * ModbusRtuServer} from the same {@link SimServices} as the TCP simulator; framing, CRC and faults
 * are this class's own, never the adapter's.
 *
 * <pre>{@code
 * try (var pty = PtyPair.create(dir.resolve("sim"), dir.resolve("gw"));
 *     var sim = ModbusRtuSimulator.serial(pty.a().toString(), ModbusSimConfig.builder()
 *         .unit(1, u -> u.map(SimTable.HOLDING_REGISTER, 0, 10))
 *         .unit(2, u -> u.map(SimTable.COIL, 0, 8))
 *         .build())) {
 *   sim.faults().silence(2);      // the gateway opens pty.b()
 * }
 * }</pre>
 *
 * <p>Like a real slave it handles one request at a time on one thread: while an answer is delayed,
 * later requests wait in the line's buffer. A unit id no unit has is ignored (no answer), as on a
 * real bus. When the serial port vanishes (socat killed) the simulator keeps trying to open it
 * again every 100 ms, so a test can put the pty back. digitalpetri's RTU server computes the CRC of
 * exception responses over the unit id only (2.1.4 and 2.1.6); every answer's CRC is computed here.
 */
public final class ModbusRtuSimulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModbusRtuSimulator.class);
  private static final long REOPEN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final ModbusSimConfig config;
  private final RtuLine line;
  private final Map<Integer, SimUnit> units = new LinkedHashMap<>();
  private final SimServices services;
  private final RtuFaults faults = new RtuFaults();
  private final RtuRequestReader reader = new RtuRequestReader();
  private final AtomicReference<
          ModbusRtuServerTransport.FrameReceiver<ModbusRtuRequestContext, ModbusRtuFrame>>
      receiver = new AtomicReference<>();
  private final ScheduledExecutorService ticker;
  private final AtomicLong ticks = new AtomicLong();
  private final AtomicLong answers = new AtomicLong();
  private final ModbusRtuServer server;
  private volatile boolean lineWanted = true;
  private volatile boolean closed;
  private Thread thread;

  private ModbusRtuSimulator(ModbusSimConfig config, RtuLine line) {
    this.config = config;
    this.line = line;
    config
        .units()
        .forEach(
            (id, setup) -> {
              SimUnit unit = new SimUnit(id);
              setup.accept(unit);
              units.put(id, unit);
            });
    this.services = new SimServices(units, config.clock());
    this.server = ModbusRtuServer.create(new Transport(), services);
    this.ticker =
        config.autoTick()
            ? Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "modbus-rtu-sim-tick");
                  t.setDaemon(true);
                  return t;
                })
            : null;
  }

  /**
   * Serves {@code config}'s units on the serial port {@code path} at 19200 8E1 (the line settings
   * matter only on real ports; a pty ignores them).
   *
   * @throws IllegalStateException when the port cannot be opened
   */
  public static ModbusRtuSimulator serial(String path, ModbusSimConfig config) {
    return serial(path, 19200, 'E', 1, config);
  }

  /** As {@link #serial(String, ModbusSimConfig)} with line settings; parity 'N', 'E' or 'O'. */
  public static ModbusRtuSimulator serial(
      String path, int baud, char parity, int stopBits, ModbusSimConfig config) {
    return start(new ModbusRtuSimulator(config, new SerialRtuLine(path, baud, parity, stopBits)));
  }

  /**
   * Serves {@code config}'s units as RTU frames over TCP on {@code config.bindAddress()} and {@code
   * config.port()} (0 picks a free port, see {@link #port()}).
   *
   * @throws IllegalStateException when the port cannot be bound
   */
  public static ModbusRtuSimulator tcp(ModbusSimConfig config) {
    return start(
        new ModbusRtuSimulator(config, new TcpRtuLine(config.bindAddress(), config.port())));
  }

  private static ModbusRtuSimulator start(ModbusRtuSimulator sim) {
    try {
      sim.line.open();
      sim.server.start(); // registers the receiver and starts the line thread (bind)
    } catch (IOException e) {
      sim.close();
      throw new IllegalStateException(e.getMessage(), e);
    } catch (ExecutionException e) {
      sim.close();
      throw new IllegalStateException("cannot start the RTU server: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sim.close();
      throw new IllegalStateException("interrupted while starting", e);
    }
    if (sim.ticker != null) {
      long period = sim.config.tick().toNanos();
      sim.ticker.scheduleAtFixedRate(sim::tickLogged, period, period, TimeUnit.NANOSECONDS);
    }
    return sim;
  }

  /** The TCP port of a {@link #tcp} simulator. */
  public int port() {
    if (line instanceof TcpRtuLine t) {
      return t.port();
    }
    throw new IllegalStateException("a serial simulator has no TCP port");
  }

  /** The first configured unit. */
  public SimUnit unit() {
    return units.values().iterator().next();
  }

  public SimUnit unit(int unitId) {
    SimUnit unit = units.get(unitId);
    if (unit == null) {
      throw new IllegalArgumentException("no unit " + unitId + "; units: " + units.keySet());
    }
    return unit;
  }

  public List<SimUnit> units() {
    return List.copyOf(units.values());
  }

  /** Faults to inject into the answers; see {@link RtuFaults}. */
  public RtuFaults faults() {
    return faults;
  }

  /** Writes {@code bytes} on the line now, between requests (a noise burst). */
  public void noise(byte[] bytes) {
    try {
      line.write(bytes.clone());
    } catch (IOException e) {
      log.warn("{}: cannot write noise: {}", line.describe(), e.getMessage());
    }
  }

  /** Every request received for a configured unit (answered or not), oldest first. */
  public List<SimRequest> requests() {
    return services.log();
  }

  public void clearRequests() {
    services.clearLog();
  }

  /** When false, requests are logged but never answered (every unit silent). */
  public void setResponding(boolean responding) {
    services.setResponding(responding);
  }

  /** Answers written so far. */
  public long answers() {
    return answers.get();
  }

  /** Received bytes that were no valid request frame. */
  public long garbageReceived() {
    synchronized (reader) {
      return reader.garbage();
    }
  }

  /** Takes the line away (closes the port or socket) until {@link #startLine()}. */
  public void stopLine() {
    lineWanted = false;
    line.close();
  }

  /** Opens the line again (the same path or TCP port). */
  public void startLine() {
    lineWanted = true;
  }

  public void tick() {
    double dt = config.tick().toNanos() / 1e9;
    for (SimUnit unit : units.values()) {
      unit.tick(dt);
    }
    ticks.incrementAndGet();
  }

  private void tickLogged() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.error("simulator tick failed", e);
    }
  }

  public long tickCount() {
    return ticks.get();
  }

  /** A one-line summary per unit, for logs and the CLI. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("Modbus RTU simulator on " + line.describe());
    for (SimUnit u : units.values()) {
      StringBuilder s = new StringBuilder("  unit " + u.unitId() + ":");
      for (SimTable t : SimTable.values()) {
        String ranges = u.describe(t);
        if (!ranges.isEmpty()) {
          s.append(' ').append(t.shortName()).append(' ').append(ranges).append(';');
        }
      }
      List<String> drivers = u.describeGenerators();
      if (!drivers.isEmpty()) {
        s.append(" driven: ").append(String.join(", ", drivers));
      }
      lines.add(s.toString());
    }
    return lines;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ticker != null) {
      ticker.shutdownNow();
    }
    line.close();
    Thread t = thread;
    if (t != null) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    line.close();
  }

  // ------------------------------------------------------------------ the line thread

  private void serve() {
    byte[] buffer = new byte[512];
    boolean open = true;
    while (!closed) {
      if (!open || !lineWanted) {
        open = reopen();
        continue;
      }
      int n;
      try {
        n = line.read(buffer, 100);
      } catch (IOException e) {
        if (!closed && lineWanted) {
          log.warn("{}: {}; reopening", line.describe(), e.getMessage());
        }
        line.close();
        open = false;
        continue;
      }
      if (n <= 0) {
        continue;
      }
      List<byte[]> frames;
      synchronized (reader) {
        frames = reader.feed(buffer, n);
      }
      for (byte[] frame : frames) {
        try {
          handle(frame);
        } catch (IOException e) {
          log.warn("{}: cannot answer: {}", line.describe(), e.getMessage());
        } catch (RuntimeException e) {
          log.error("{}: request failed", line.describe(), e);
        }
      }
    }
  }

  private boolean reopen() {
    LockSupport.parkNanos(REOPEN_NANOS); // retry interval while the port is away
    if (closed || !lineWanted) {
      return false;
    }
    try {
      line.open();
      synchronized (reader) {
        reader.reset();
      }
      log.info("{}: open again", line.describe());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void handle(byte[] request) throws IOException {
    int unitId = request[0] & 0xFF;
    if (!units.containsKey(unitId)) {
      return; // for another slave on the bus (or none): stay quiet
    }
    byte[] pdu = Arrays.copyOfRange(request, 1, request.length - 2);
    int fc = pdu[0] & 0xFF;
    byte[] answerPdu;
    int forced = forcedException(unitId, pdu);
    if (forced != 0) {
      services.record(unitId, fc, word(pdu, 1), quantity(pdu));
      answerPdu = new byte[] {(byte) (fc | 0x80), (byte) forced};
    } else {
      answerPdu = dispatch(unitId, pdu);
      if (answerPdu == null) {
        return; // the services dropped it (not responding)
      }
    }
    RtuFaults.Plan plan = faults.next(unitId);
    if (plan.silent()) {
      return;
    }
    byte[] answer = frame(unitId, answerPdu);
    if (plan.corruptCrc()) {
      answer[answer.length - 1] ^= (byte) 0xFF;
    }
    if (!plan.delay().isZero()) {
      LockSupport.parkNanos(plan.delay().toNanos()); // a slow slave: the line waits with it
    }
    if (plan.garbageBefore()) {
      byte[] noisy = Arrays.copyOf(RtuFaults.GARBAGE, RtuFaults.GARBAGE.length + answer.length);
      System.arraycopy(answer, 0, noisy, RtuFaults.GARBAGE.length, answer.length);
      answer = noisy;
    }
    line.write(answer);
    answers.incrementAndGet();
  }

  /** The answer PDU from digitalpetri's server and our services, or null for no answer. */
  private byte[] dispatch(int unitId, byte[] pdu) {
    var r = receiver.get();
    if (r == null) {
      return null;
    }
    ModbusRtuFrame response;
    try {
      response =
          r.receive(
              new ModbusRtuRequestContext() {},
              new ModbusRtuFrame(unitId, ByteBuffer.wrap(pdu), ByteBuffer.allocate(2)));
    } catch (UnknownUnitIdException e) {
      return null;
    } catch (Exception e) { // a function code the server cannot decode: 01 ILLEGAL_FUNCTION
      return new byte[] {(byte) ((pdu[0] & 0xFF) | 0x80), 0x01};
    }
    ByteBuffer answer = response.pdu();
    byte[] bytes = new byte[answer.remaining()];
    answer.duplicate().get(bytes);
    return bytes;
  }

  private int forcedException(int unitId, byte[] pdu) {
    int fc = pdu[0] & 0xFF;
    SimTable table =
        switch (fc) {
          case 0x01, 0x05, 0x0F -> SimTable.COIL;
          case 0x02 -> SimTable.DISCRETE_INPUT;
          case 0x03, 0x06, 0x10 -> SimTable.HOLDING_REGISTER;
          case 0x04 -> SimTable.INPUT_REGISTER;
          default -> null;
        };
    if (table == null || pdu.length < 5) {
      return 0;
    }
    return faults.exceptionFor(unitId, table, word(pdu, 1), quantity(pdu));
  }

  private static int quantity(byte[] pdu) {
    int fc = pdu[0] & 0xFF;
    return fc == 0x05 || fc == 0x06 || pdu.length < 5 ? 1 : word(pdu, 3);
  }

  private static int word(byte[] b, int at) {
    return at + 1 < b.length ? (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF : 0;
  }

  /** unit + PDU + CRC (digitalpetri's {@link Crc16}, fed one byte at a time). */
  static byte[] frame(int unitId, byte[] pdu) {
    byte[] f = new byte[pdu.length + 3];
    f[0] = (byte) unitId;
    System.arraycopy(pdu, 0, f, 1, pdu.length);
    Crc16 crc = new Crc16();
    for (int i = 0; i <= pdu.length; i++) {
      crc.update(f[i] & 0xFF);
    }
    f[pdu.length + 1] = (byte) crc.getValue();
    f[pdu.length + 2] = (byte) (crc.getValue() >> 8);
    return f;
  }

  /** The transport digitalpetri's server sees: bind starts the line thread. */
  private final class Transport implements ModbusRtuServerTransport {
    @Override
    public CompletionStage<Void> bind() {
      synchronized (ModbusRtuSimulator.this) {
        if (thread == null) {
          thread = new Thread(ModbusRtuSimulator.this::serve, "modbus-rtu-sim-line");
          thread.setDaemon(true);
          thread.start();
        }
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> unbind() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void receive(FrameReceiver<ModbusRtuRequestContext, ModbusRtuFrame> frameReceiver) {
      receiver.set(frameReceiver);
    }
  }
}
