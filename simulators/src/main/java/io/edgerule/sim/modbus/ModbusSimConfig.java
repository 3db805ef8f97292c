package io.edgerule.sim.modbus;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a {@link ModbusTcpSimulator} serves: where it listens, how often it ticks, and its units,
 * each set up by a callback on a fresh {@link SimUnit}.
 *
 * <pre>{@code
 * var sim = ModbusTcpSimulator.start(ModbusSimConfig.builder()
 *     .unit(1, u -> u.map(SimTable.HOLDING_REGISTER, 0, 10)
 *                    .generate(SimTable.INPUT_REGISTER, 0, SimEncoding.FLOAT32,
 *                              Generators.sine(20, 5, 50)))
 *     .build());
 * int port = sim.port();
 * }</pre>
 *
 * @param bindAddress interface to listen on (default 127.0.0.1)
 * @param port TCP port; 0 (default) picks a free one, see {@link ModbusTcpSimulator#port()}
 * @param tick simulated time per tick, also the real interval of automatic ticks (default 100ms)
 * @param autoTick whether the simulator ticks by itself; tests turn it off and call {@link
 *     ModbusTcpSimulator#tick()}
 * @param clock time stamps of the request log
 * @param units unit id to its setup, in order (the first is the default unit)
 */
public record ModbusSimConfig(
    String bindAddress,
    int port,
    Duration tick,
    boolean autoTick,
    Clock clock,
    Map<Integer, Consumer<SimUnit>> units) {

  public ModbusSimConfig {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(tick, "tick");
    Objects.requireNonNull(clock, "clock");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (tick.isNegative() || tick.isZero()) {
      throw new IllegalArgumentException("tick must be > 0, got " + tick);
    }
    if (units.isEmpty()) {
      throw new IllegalArgumentException("a simulator needs at least one unit");
    }
    units = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(units));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The demo tank on unit 1 (see {@link TankPlant}), ticking every 100 ms. */
  public static ModbusSimConfig tankPlant(int port, long seed) {
    return builder().port(port).unit(1, u -> u.model(new TankPlant(seed))).build();
  }

  public static final class Builder {
    private String bindAddress = "127.0.0.1";
    private int port;
    private Duration tick = Duration.ofMillis(100);
    private boolean autoTick = true;
    private Clock clock = Clock.systemUTC();
    private final Map<Integer, Consumer<SimUnit>> units = new LinkedHashMap<>();

    public Builder bindAddress(String bindAddress) {
      this.bindAddress = bindAddress;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder tick(Duration tick) {
      this.tick = tick;
      return this;
    }

    /** No automatic ticks: the test calls {@link ModbusTcpSimulator#tick()}. */
    public Builder manualTicks() {
      this.autoTick = false;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Adds unit {@code unitId}; {@code setup} maps its addresses and attaches generators. */
    public Builder unit(int unitId, Consumer<SimUnit> setup) {
      if (units.putIfAbsent(unitId, setup) != null) {
        throw new IllegalArgumentException("unit " + unitId + " is configured twice");
      }
      return this;
    }

    public ModbusSimConfig build() {
      return new ModbusSimConfig(bindAddress, port, tick, autoTick, clock, units);
    }
  }
}
