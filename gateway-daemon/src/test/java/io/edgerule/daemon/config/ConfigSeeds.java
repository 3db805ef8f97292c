package io.edgerule.daemon.config;

import java.util.List;

/**
 * Valid configs to mutate: the shapes written by {@code edgerule demo} (cli DemoCommand), the
 * gateway ITs and ConfigLoaderTest, plus one that sets every gateway-level key in block style.
 */
final class ConfigSeeds {
  private ConfigSeeds() {}

  /** Every section and key of the gateway itself, one per line (so each value has its line). */
  static final String FULL =
      """
      gateway:
        id: gw-1
        state_dir: state
      devices:
        - protocol: modbus-tcp
          name: tank
          host: 127.0.0.1
          port: 1502
          unit_id: 1
          poll_interval: 250ms
          timeout: 1s
          retries: 2
          integrity_interval: 1m
          reconnect:
            initial: 500ms
            max: 30s
            multiplier: 2.0
          points:
            - name: level
              table: holding_register
              address: 2
              type: float32
              word_order: big
              scale: 0.5
              offset: 1.0
              deadband: 0.1
            - name: pump
              table: coil
              address: 0
              type: bool
              writable: true
      rules:
        - name: pump
          wasm: rules/pump.wasm
          manifest: rules/pump.yaml
          enabled: true
      mqtt:
        broker: tcp://127.0.0.1:1883
        client_id: gw-1-client
        username: gw
        password: secret
        topic_prefix: edgerule
        telemetry: true
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
      rule_limits:
        memory_pages: 64
        deadline: 100ms
        init_deadline: 2s
        max_actions: 100
        quarantine_after: 3
        fault_window: 60s
        readmit_backoff: 30s
        readmit_backoff_max: 1h
      """;

  /** What {@code edgerule demo} writes (DemoCommand.demoConfig with its ports filled in). */
  static final String DEMO =
      """
      # Written by `edgerule demo`: a complete gateway config you can copy and adapt.
      gateway:
        id: demo
        state_dir: state
      devices:
        - protocol: modbus-tcp
          name: tank
          host: 127.0.0.1
          port: 1502
          unit_id: 1
          poll_interval: 250ms
          timeout: 1s
          points:
            - {name: temperature, table: holding_register, address: 0, type: float32, deadband: 0.05}
            - {name: level, table: holding_register, address: 2, type: float32, deadband: 0.1}
            - {name: pump, table: coil, address: 0, type: bool, writable: true}
        - protocol: modbus-rtu
          name: meter
          bus: {port: "tcp://127.0.0.1:1503", baud: 19200, timeout: 500ms}
          unit_id: 1
          poll_interval: 1s
          points:
            - {name: voltage, table: input_register, address: 0, type: float32, deadband: 0.5}
            - {name: power, table: input_register, address: 2, type: float32, deadband: 10}
            - {name: energy_wh, table: input_register, address: 4, type: uint32}
        - protocol: zigbee
          name: zigbee
          port: tcp://127.0.0.1:1504
          permit_join: 300s
          devices: {00124b0001abcd02: hall_motion, 00124b0001abcd04: hall_light}
        - protocol: opcua
          name: line
          endpoint: opc.tcp://127.0.0.1:4840/edgerule
          security_policy: basic256sha256
          security_mode: sign_and_encrypt
          points:
            - {name: temperature, node_id: "ns=2;s=Tank/Temperature", deadband: {type: absolute, value: 0.2}}
            - {name: pump_speed, node_id: "ns=2;s=Pump/Speed", type: int64}
            - {name: state, node_id: "ns=2;s=Line/State", type: string}
      rules:
        - {name: overtemp, wasm: rules/overtemp.wasm}
        - {name: pump, wasm: rules/pump.wasm}
        - {name: motion_light, wasm: rules/motion_light.wasm}
      mqtt:
        broker: tcp://127.0.0.1:1883
      pipeline:
        health_interval: 10s
      """;

  /** ZigbeeGatewayIT's config. */
  static final String ZIGBEE =
      """
      gateway:
        id: zigbee-it
        state_dir: state
      devices:
        - protocol: zigbee
          name: zigbee
          port: tcp://127.0.0.1:9999
          dongle: xbee
          permit_join: 60s
          report_max_interval: 60s
          devices:
            00124b0001abcd02: hall_motion
            00124b0001abcd04: hall_light
      rules:
        - {name: motion_light, wasm: rules/motion_light.wasm}
      """;

  /** OpcUaGatewayIT's and ConfigLoaderTest's OPC-UA configs. */
  static final String OPCUA =
      """
      gateway: {id: it-gw, state_dir: state}
      devices:
        - protocol: opcua
          name: tank
          endpoint: opc.tcp://127.0.0.1:4840
          security_policy: basic256sha256
          security_mode: sign_and_encrypt
          publishing_interval: 100ms
          request_timeout: 3s
          identity: {type: username, username: gw, password_file: secrets/plc.pw}
          points:
            - {name: level, node_id: "ns=2;s=Tank/Level", sampling_interval: 50ms}
            - {name: pump, node_id: "ns=2;s=Pump/Command", type: bool, writable: true}
      rules:
        - {name: pump, wasm: rules/pump.wasm}
      """;

  /** DaemonProcessIT's and RunCommandTest's minimal ones. */
  static final String MINIMAL =
      "gateway: {id: proc-gw, state_dir: state}\nmqtt: {broker: 'tcp://127.0.0.1:1883'}\n";

  static final String RULES_ONLY =
      "gateway: {id: gw, state_dir: state}\nrules:\n  - {name: bad, wasm: bad.wasm}\n";

  static final List<String> ALL = List.of(FULL, DEMO, ZIGBEE, OPCUA, MINIMAL, RULES_ONLY);

  /** Values of every type that a config key can be wrongly given. */
  static final List<String> HOSTILE_VALUES =
      List.of(
          "null",
          "~",
          "''",
          "\"\"",
          "-1",
          "0",
          "-0",
          "1.5",
          "1e999",
          "-.inf",
          ".nan",
          "99999999999999999999",
          "9223372036854775808",
          "2147483648",
          "0x7fffffff",
          "true",
          "yes",
          "PT-1S",
          "-5s",
          "0s",
          "0ms",
          "99999999999999999d",
          "PT9223372036854775807S",
          "[]",
          "[1, 2]",
          "{}",
          "{a: 1}",
          "[[[[[[[[[[1]]]]]]]]]]",
          "&anchor x",
          "*alias",
          "*missing",
          "!!binary AAAA",
          "!!java.lang.Runtime {}",
          "!!set {a}",
          "\"\\0\"",
          "\"a\\u0007b\"",
          "'\\x00'",
          "\"../../etc/passwd\"",
          "file:///etc/passwd",
          "jar:file:/x.zip!/a",
          "http://example.com/x",
          "tcp://",
          "tcp://[::1",
          "\"" + "x".repeat(5_000) + "\"",
          "日本語",
          "|",
          ">-",
          "2026-11-21T10:00:00Z");

  /** Tokens the mutator inserts. */
  static final List<String> DICTIONARY =
      List.of(
          "null",
          "~",
          "-1",
          "0",
          "1.5",
          "1e999",
          "99999999999999999999",
          ".inf",
          "yes",
          "PT-1S",
          "0s",
          "99999999999999999d",
          "[]",
          "{}",
          "[1, [2, {a: b}]]",
          "&a x",
          "*a",
          "<<: *a",
          "!!binary AAAA",
          "!!java.lang.Object",
          "? ",
          "- ",
          ": ",
          "---\n",
          "...\n",
          "%YAML 1.1\n",
          "#",
          "|",
          ">",
          "'",
          "\"",
          "\"\\u0000\"",
          "\"\\x\"",
          "\t",
          "\n",
          "\u0000",
          "\ufeff",
          "ü",
          "\ud83d\ude00",
          "tcp://",
          "unknown_key: 1\n",
          "devices: []\n",
          "x".repeat(300));
}
