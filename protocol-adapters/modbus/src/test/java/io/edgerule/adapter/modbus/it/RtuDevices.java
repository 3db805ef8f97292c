package io.edgerule.adapter.modbus.it;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.modbus.Endianness;
import io.edgerule.adapter.modbus.ModbusDataType;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusRtuBusConfig;
import io.edgerule.adapter.modbus.ModbusRtuDeviceConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import io.edgerule.adapter.modbus.Parity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small builder for RTU slave configs in tests (the daemon builds them from YAML). */
final class RtuDevices {
  private final String name;
  private final int unit;
  private ModbusRtuBusConfig bus;
  private Duration poll = Duration.ofMillis(100);
  private int retries = 1;
  private final List<ModbusPointConfig> points = new ArrayList<>();

  private RtuDevices(String name, ModbusRtuBusConfig bus, int unit) {
    this.name = name;
    this.bus = bus;
    this.unit = unit;
  }

  /** A bus for tests: 19200 8N1, the given timeout, reconnects from 100 ms up to 400 ms. */
  static ModbusRtuBusConfig bus(String port, Duration timeout) {
    return new ModbusRtuBusConfig(
        port,
        19200,
        8,
        Parity.NONE,
        1,
        timeout,
        null,
        new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), 2),
        null,
        null);
  }

  static RtuDevices slave(String name, ModbusRtuBusConfig bus, int unit) {
    return new RtuDevices(name, bus, unit);
  }

  RtuDevices poll(Duration d) {
    poll = d;
    return this;
  }

  RtuDevices retries(int n) {
    retries = n;
    return this;
  }

  RtuDevices point(ModbusPointConfig p) {
    points.add(p);
    return this;
  }

  RtuDevices point(String name, ModbusTable table, int address, ModbusDataType type) {
    return point(ModbusPointConfig.of(name, table, address, type));
  }

  RtuDevices point(
      String name,
      ModbusTable table,
      int address,
      ModbusDataType type,
      Endianness words,
      Endianness bytes) {
    return point(
        new ModbusPointConfig(
            name, table, address, type, null, words, bytes, null, null, null, null));
  }

  ModbusRtuDeviceConfig build() {
    return new ModbusRtuDeviceConfig(
        name, bus, unit, poll, retries, null, null, null, null, Duration.ofSeconds(60), points);
  }

  /** The health entry of {@code device} (a slave name, or "bus ..." for the bus). */
  static AdapterHealth.DeviceHealth health(ProtocolAdapter adapter, String device) {
    return adapter.health().devices().stream()
        .filter(d -> d.device().equals(device))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no health for " + device + ": " + adapter.health()));
  }

  static long counter(ProtocolAdapter adapter, String device, String counter) {
    Long v = health(adapter, device).counters().get(counter);
    if (v == null) {
      throw new AssertionError(device + " has no counter " + counter);
    }
    return v;
  }
}
