package io.edgerule.adapter.modbus.it;

import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.modbus.Endianness;
import io.edgerule.adapter.modbus.ModbusDataType;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import io.edgerule.adapter.modbus.ModbusTcpDeviceConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small builder for device configs in tests (the daemon builds them from YAML). */
final class Devices {
  private final String name;
  private final int port;
  private String host = "127.0.0.1";
  private Duration poll = Duration.ofMillis(100);
  // Far above any answer time of the in-JVM simulator, even on a loaded 2-core machine where a cold
  // JVM's first answers took over 500 ms (the old default) and turned expected GOOD samples BAD.
  // Tests about timeouts set their own.
  private Duration timeout = Duration.ofSeconds(5);
  private int retries = 0;
  private Duration integrity = Duration.ofSeconds(60);
  private Backoff reconnect = new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), 2);
  private final List<ModbusPointConfig> points = new ArrayList<>();

  private Devices(String name, int port) {
    this.name = name;
    this.port = port;
  }

  static Devices tcp(String name, int port) {
    return new Devices(name, port);
  }

  Devices host(String h) {
    host = h;
    return this;
  }

  Devices poll(Duration d) {
    poll = d;
    return this;
  }

  Devices timeout(Duration d) {
    timeout = d;
    return this;
  }

  Devices retries(int n) {
    retries = n;
    return this;
  }

  Devices integrity(Duration d) {
    integrity = d;
    return this;
  }

  Devices point(ModbusPointConfig p) {
    points.add(p);
    return this;
  }

  Devices point(String name, ModbusTable table, int address, ModbusDataType type) {
    return point(ModbusPointConfig.of(name, table, address, type));
  }

  Devices point(
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

  ModbusTcpDeviceConfig build() {
    return new ModbusTcpDeviceConfig(
        name, host, port, 1, poll, timeout, retries, reconnect, null, null, null, null, integrity,
        points);
  }
}
