package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An error in a field points at that field's own line and column (config.md), for every field of
 * every device protocol and section: each key of a block-style config is given values that are out
 * of range or of the wrong type, and the error must name a field (not only the device) and sit at
 * that field's key or value.
 */
class ConfigFieldPositionTest {
  /** Every device protocol with its fields one per line (points too). */
  static final String BLOCK =
      """
      gateway:
        id: gw
      devices:
        - protocol: modbus-tcp
          name: tank
          host: 127.0.0.1
          port: 1502
          unit_id: 1
          poll_interval: 250ms
          timeout: 1s
          retries: 2
          max_gap: 8
          max_bit_gap: 100
          max_registers: 100
          max_bits: 1000
          integrity_interval: 1m
          reconnect:
            initial: 500ms
            max: 30s
            multiplier: 2
          points:
            - name: level
              table: holding_register
              address: 2
              type: bit
              bit: 3
            - name: flow
              table: holding_register
              address: 10
              type: float32
              scale: 0.5
              offset: 1.0
              deadband: 0.1
              writable: true
        - protocol: modbus-rtu
          name: meter
          bus:
            port: /dev/ttyUSB0
            baud: 9600
            data_bits: 8
            stop_bits: 1
            timeout: 500ms
            inter_frame_gap: 2ms
          unit_id: 1
          poll_interval: 1s
          retries: 1
          max_gap: 8
          max_registers: 100
          integrity_interval: 1m
          points:
            - name: voltage
              table: input_register
              address: 0
        - protocol: zigbee
          name: zigbee
          port: tcp://127.0.0.1:1504
          baud: 9600
          channel: 15
          permit_join: 300s
          report_min_interval: 1s
          report_max_interval: 60s
          offline_after: 5m
          command_timeout: 10s
        - protocol: opcua
          name: line
          endpoint: opc.tcp://127.0.0.1:4840/edgerule
          publishing_interval: 100ms
          request_timeout: 3s
          points:
            - name: temperature
              node_id: "ns=2;s=Tank/Temperature"
              sampling_interval: 50ms
              queue_size: 10
      mqtt:
        broker: tcp://127.0.0.1:1883
        telemetry_qos: 1
        keep_alive: 30s
        connect_timeout: 10s
      pipeline:
        queue_capacity: 1000
        batch_size: 16
        rule_threads: 2
        health_interval: 10s
        adapter_timeout: 5s
        alarms_per_rule: 100
        rule_log_lines: 20
        rule_cpu_share: 0.5
        rule_write_queue: 64
        rule_publish_queue: 1000
        rule_publish_bytes: 4096
      """;

  /** Values of the right type that many fields refuse. */
  private static final List<String> OUT_OF_RANGE =
      List.of("0", "-1", "7", "300", "70000", "5ms", "2m", "400d", "''", "' '", "0.0", "-0.5");

  private static final Pattern KEY_VALUE = Pattern.compile("(\\s*(?:- )?)([a-z_]+): (\\S.*)");

  /** The path an error names: "devices[0].points[1].address: ..." */
  private static final Pattern PATH =
      Pattern.compile("((?:[a-z_]+|\\[\\d+\\])(?:\\.[a-z_]+|\\[\\d+\\])*): .*");

  @Test
  void theSeedLoads() throws Exception {
    assertEquals(4, ConfigContract.LOADER.parse(BLOCK, ConfigContract.FILE).devices().size());
  }

  @Test
  void everyFieldErrorPointsAtItsField() {
    String[] lines = BLOCK.split("\n");
    List<String> wrong = new ArrayList<>();
    int rejected = 0;
    for (int i = 0; i < lines.length; i++) {
      Matcher m = KEY_VALUE.matcher(lines[i]);
      if (!m.matches() || m.group(2).equals("protocol")) {
        continue;
      }
      String key = m.group(2);
      for (String value : OUT_OF_RANGE) {
        String[] copy = lines.clone();
        copy[i] = m.group(1) + key + ": " + value;
        String yaml = String.join("\n", copy) + "\n";
        ConfigException e;
        try {
          ConfigContract.LOADER.parse(yaml, ConfigContract.FILE);
          continue;
        } catch (ConfigException ex) {
          e = ex;
        }
        rejected++;
        String context = "line " + (i + 1) + " '" + key + ": " + value + "' -> " + e.getMessage();
        ConfigContract.checkException(e, yaml, context);
        Matcher path = PATH.matcher(e.problem());
        if (!path.matches()) {
          wrong.add("names no field: " + context);
          continue;
        }
        String named = path.group(1);
        if (named.matches("devices\\[\\d+\\]") || named.endsWith("]")) {
          wrong.add("names the entry, not a field: " + context);
          continue;
        }
        YamlLocations index = YamlLocations.index(yaml);
        YamlLocations.Position at = index.key(named);
        YamlLocations.Position valueAt = index.value(named);
        assertNotNull(at, context);
        boolean atKey = at.line() == e.line() && at.column() == e.column();
        boolean atValue = valueAt.line() == e.line() && valueAt.column() == e.column();
        // The value of a section starts at its first key: that is not the named field's place.
        String last = named.substring(named.lastIndexOf('.') + 1);
        boolean onItsLine = copy[e.line() - 1].contains(last + ":");
        if (!onItsLine || (!atKey && !atValue)) {
          wrong.add("not at " + named + " (" + at.line() + ":" + at.column() + "): " + context);
          continue;
        }
        // Cross-field rules (report_max_interval below report_min_interval) may name the other
        // field; everything else names the field that was changed.
        if (!named.endsWith("." + key) && !e.problem().contains(key)) {
          wrong.add("names another field: " + context);
        }
      }
    }
    assertTrue(rejected > 150, "most values are rejected: " + rejected);
    assertFalse(!wrong.isEmpty(), wrong.size() + " errors:\n" + String.join("\n", wrong));
  }
}
