package io.edgerule.sim.modbus;

import com.digitalpetri.modbus.server.ModbusTcpServer;
import com.digitalpetri.modbus.tcp.server.NettyTcpServerTransport;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Modbus TCP slave on digitalpetri's {@link ModbusTcpServer}, serving {@link SimUnit}s. Start it
 * in one line, point a master at {@link #port()}, read and write its process image from the test:
 *
 * <pre>{@code
 * try (var sim = ModbusTcpSimulator.start(ModbusSimConfig.tankPlant(0, 42))) {
 *   float level = sim.unit().float32(SimTable.HOLDING_REGISTER, TankPlant.LEVEL);
 *   boolean pump = sim.unit().coil(TankPlant.PUMP);
 * }
 * }</pre>
 *
 * <p>It owns its threads (one Netty event loop, one request thread, one ticker) and stops them on
 * {@link #close()}. {@link #stopServer()} and {@link #startServer()} take the listening socket away
 * and back on the same port, keeping the process image, to test connection loss.
 */
public final class ModbusTcpSimulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModbusTcpSimulator.class);

  private final ModbusSimConfig config;
  private final Map<Integer, SimUnit> units = new LinkedHashMap<>();
  private final SimServices services;
  private final NioEventLoopGroup eventLoop;
  private final ExecutorService requestThread;
  private final ScheduledExecutorService ticker;
  private final AtomicLong ticks = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private volatile int port;
  private ModbusTcpServer server;
  private boolean closed;

  private ModbusTcpSimulator(ModbusSimConfig config) {
    this.config = config;
    config
        .units()
        .forEach(
            (id, setup) -> {
              SimUnit unit = new SimUnit(id);
              setup.accept(unit);
              units.put(id, unit);
            });
    this.services = new SimServices(units, config.clock());
    this.eventLoop = new NioEventLoopGroup(1, daemonThreads("modbus-sim-io"));
    this.requestThread = Executors.newSingleThreadExecutor(daemonThreads("modbus-sim-request"));
    this.ticker =
        config.autoTick()
            ? Executors.newSingleThreadScheduledExecutor(daemonThreads("modbus-sim-tick"))
            : null;
    this.port = config.port();
  }

  /**
   * Builds the units, binds the port and (unless ticks are manual) starts ticking.
   *
   * @throws IllegalStateException when the port cannot be bound
   */
  public static ModbusTcpSimulator start(ModbusSimConfig config) {
    ModbusTcpSimulator sim = new ModbusTcpSimulator(config);
    try {
      sim.startServer();
    } catch (RuntimeException e) {
      sim.close();
      throw e;
    }
    if (sim.ticker != null) {
      long period = config.tick().toNanos();
      sim.ticker.scheduleAtFixedRate(sim::tickLogged, period, period, TimeUnit.NANOSECONDS);
    }
    return sim;
  }

  /**
   * TCP connections accepted since start: a client that keeps its connection adds one, one that
   * reconnects adds one per connection.
   */
  public long connectionsAccepted() {
    return accepted.get();
  }

  /** The port it listens on (the one picked when the config said 0). */
  public int port() {
    return port;
  }

  public String bindAddress() {
    return config.bindAddress();
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

  // the default unit's image, for short tests; see SimUnit for the rest

  public int holdingRegister(int address) {
    return unit().holdingRegister(address);
  }

  public void setHoldingRegister(int address, int value) {
    unit().setHoldingRegister(address, value);
  }

  public int inputRegister(int address) {
    return unit().inputRegister(address);
  }

  public void setInputRegister(int address, int value) {
    unit().setInputRegister(address, value);
  }

  public boolean coil(int address) {
    return unit().coil(address);
  }

  public void setCoil(int address, boolean value) {
    unit().setCoil(address, value);
  }

  public boolean discreteInput(int address) {
    return unit().discreteInput(address);
  }

  public void setDiscreteInput(int address, boolean value) {
    unit().setDiscreteInput(address, value);
  }

  /** The float32 in holding registers {@code address} and {@code address + 1} (big-endian). */
  public float float32(int address) {
    return unit().float32(SimTable.HOLDING_REGISTER, address);
  }

  /** Writes a float32 to holding registers {@code address}, {@code address + 1} (big-endian). */
  public void setFloat32(int address, float value) {
    unit().setFloat32(SimTable.HOLDING_REGISTER, address, value);
  }

  /** Advances every unit's generators and models by one tick of simulated time. */
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
    } catch (RuntimeException e) { // a failing model must not stop the ticker for good
      log.error("simulator tick failed", e);
    }
  }

  public long tickCount() {
    return ticks.get();
  }

  /** Every request received since start (or the last {@link #clearRequests()}), oldest first. */
  public List<SimRequest> requests() {
    return services.log();
  }

  public void clearRequests() {
    services.clearLog();
  }

  /** When false, requests are logged but never answered (a hung device: masters time out). */
  public void setResponding(boolean responding) {
    services.setResponding(responding);
  }

  /** Closes the listening socket and every connection; the process image stays. */
  public synchronized void stopServer() {
    if (server == null) {
      return;
    }
    try {
      server.stop();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot stop the Modbus server: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server = null;
  }

  /** Listens again (on the same port after {@link #stopServer()}). */
  public synchronized void startServer() {
    if (closed) {
      throw new IllegalStateException("simulator is closed");
    }
    if (server != null) {
      return;
    }
    // The old listening socket closes asynchronously, and the kernel may briefly keep the port: a
    // restart on the same port retries for a while instead of failing on the first EADDRINUSE.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      try {
        bind();
        return;
      } catch (IllegalStateException e) {
        boolean inUse = e.getCause() instanceof java.net.BindException;
        if (!inUse || port == 0 || System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(50); // retry interval, bounded by the deadline
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private void bind() {
    CountDownLatch bound = new CountDownLatch(1);
    AtomicInteger boundPort = new AtomicInteger();
    NettyTcpServerTransport transport =
        NettyTcpServerTransport.create(
            b -> {
              b.setBindAddress(config.bindAddress());
              b.setPort(port);
              b.setEventLoopGroup(eventLoop);
              b.setExecutor(requestThread);
              b.setBootstrapCustomizer(
                  bootstrap ->
                      bootstrap
                          .option(io.netty.channel.ChannelOption.SO_REUSEADDR, true)
                          .handler(
                              new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                  boundPort.set(
                                      ((InetSocketAddress) ctx.channel().localAddress()).getPort());
                                  bound.countDown();
                                  ctx.fireChannelActive();
                                }

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object child) {
                                  // On the listening channel every read is one accepted client.
                                  accepted.incrementAndGet();
                                  ctx.fireChannelRead(child);
                                }
                              }));
            });
    ModbusTcpServer s = ModbusTcpServer.create(transport, services);
    try {
      s.start();
      if (!bound.await(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("Modbus server did not report its port within 5 s");
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot listen on "
              + config.bindAddress()
              + ":"
              + port
              + ": "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding", e);
    }
    port = boundPort.get();
    server = s;
  }

  /** A one-line summary per unit of what is served, for logs and the CLI. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("Modbus TCP simulator on " + config.bindAddress() + ":" + port);
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
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ticker != null) {
      ticker.shutdownNow();
    }
    try {
      stopServer();
    } finally {
      requestThread.shutdownNow();
      eventLoop
          .shutdownGracefully(0, 1, TimeUnit.SECONDS)
          .awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
