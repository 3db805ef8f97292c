package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.modbus.ModbusRtuDeviceConfig;
import io.edgerule.adapter.modbus.ModbusTcpDeviceConfig;
import io.edgerule.adapter.zigbee.ZigbeeCoordinatorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Duration settings as people write them: a bare 0, and durations quoted back in messages. */
class ConfigDurationTest {
  /** Every duration setting of the gateway and its device protocols, one per line. */
  static final String EVERY_DURATION =
      """
      gateway: {id: gw}
      devices:
        - protocol: modbus-tcp
          name: tank
          host: 127.0.0.1
          poll_interval: 250ms
          timeout: 1s
          integrity_interval: 1m
          reconnect:
            initial: 500ms
            max: 30s
            multiplier: 2
          points:
            - {name: level, table: holding_register, address: 2}
        - protocol: modbus-rtu
          name: meter
          bus:
            port: /dev/ttyUSB0
            timeout: 500ms
            inter_frame_gap: 2ms
          poll_interval: 1s
          integrity_interval: 1m
          points:
            - {name: voltage, table: input_register, address: 0}
        - protocol: zigbee
          name: zigbee
          port: tcp://127.0.0.1:1504
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
      mqtt:
        broker: tcp://127.0.0.1:1883
        keep_alive: 30s
        connect_timeout: 10s
      pipeline:
        health_interval: 10s
        adapter_timeout: 5s
      """;

  private static final Pattern DURATION_LINE =
      Pattern.compile("(\\s*(?:- )?)([a-z_]+): (\\d+(?:ms|s|m|h|d))");

  @Test
  void bareZeroIsAcceptedWhereZeroIsMeaningful() throws Exception {
    String yaml =
        EVERY_DURATION
            .replace("integrity_interval: 1m", "integrity_interval: 0")
            .replace("inter_frame_gap: 2ms", "inter_frame_gap: 0")
            .replace("permit_join: 300s", "permit_join: 0")
            .replace("report_min_interval: 1s", "report_min_interval: 0");
    GatewayConfig c = ConfigContract.LOADER.parse(yaml, ConfigContract.FILE);
    var tank = assertInstanceOf(ModbusTcpDeviceConfig.class, c.devices().get(0));
    assertEquals(Duration.ZERO, tank.integrityInterval());
    var meter = assertInstanceOf(ModbusRtuDeviceConfig.class, c.devices().get(1));
    assertEquals(Duration.ZERO, meter.integrityInterval());
    assertEquals(Duration.ZERO, meter.bus().interFrameGap());
    var zigbee = assertInstanceOf(ZigbeeCoordinatorConfig.class, c.devices().get(2));
    assertEquals(Duration.ZERO, zigbee.permitJoin());
    assertEquals(Duration.ZERO, zigbee.reportMinInterval());
  }

  /**
   * Each duration setting set to a bare 0 loads, or is refused with its own range (never "not a
   * duration"): 0 is a duration, whether or not that setting may be zero.
   */
  @Test
  void everyDurationSettingTakesBareZeroOrSaysItsRange() {
    String[] lines = EVERY_DURATION.split("\n");
    List<String> refused = new ArrayList<>();
    int tried = 0;
    for (int i = 0; i < lines.length; i++) {
      Matcher m = DURATION_LINE.matcher(lines[i]);
      if (!m.matches()) {
        continue;
      }
      tried++;
      String[] copy = lines.clone();
      copy[i] = m.group(1) + m.group(2) + ": 0";
      String yaml = String.join("\n", copy) + "\n";
      try {
        ConfigContract.LOADER.parse(yaml, ConfigContract.FILE);
      } catch (ConfigException e) {
        String context = "line " + (i + 1) + " " + m.group(2) + ": 0 -> " + e.getMessage();
        assertFalse(e.problem().contains("not a duration"), context);
        assertTrue(e.problem().contains(m.group(2)), context);
        refused.add(m.group(2));
      }
    }
    assertEquals(21, tried, "every duration line of the seed was tried");
    assertTrue(refused.contains("poll_interval"), "poll_interval 0 is out of range: " + refused);
    assertFalse(refused.contains("integrity_interval"), refused.toString());
  }
}
