package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboxConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code mqtt:} (TLS, credentials) and {@code outbox:} sections. */
class ConfigUplinkTest {
  private static final Path FILE = Path.of("/etc/edgerule/gateway.yaml");
  private final ConfigLoader loader = new ConfigLoader(List.of());

  private GatewayConfig parse(String yaml) throws ConfigException {
    return loader.parse(yaml, FILE);
  }

  private String fail(String yaml) {
    return assertThrows(ConfigException.class, () -> loader.parse(yaml, FILE)).getMessage();
  }

  @Test
  void bindsTlsCredentialsAndOutboxWithPathsResolvedAgainstTheConfigFolder() throws Exception {
    GatewayConfig c =
        parse(
            """
            gateway: {id: gw, state_dir: state}
            mqtt:
              broker: mqtts://broker.example.net
              username: gw
              password_file: secrets/mqtt.pass
              tls:
                ca_file: certs/ca.pem
                cert_file: certs/gw.pem
                key_file: certs/gw.key
            outbox:
              flush: every_message
              replay_share: 0.25
              budgets:
                telemetry: {max_bytes: 256 MiB}
                alarm: {max_age: 30d}
            """);
    assertEquals("mqtts://broker.example.net:8883", c.mqtt().serverUri());
    assertEquals(Path.of("/etc/edgerule/secrets/mqtt.pass"), c.mqtt().passwordFile());
    assertEquals(Path.of("/etc/edgerule/certs/ca.pem"), c.mqtt().tls().caFile());
    assertEquals(Path.of("/etc/edgerule/certs/gw.key"), c.mqtt().tls().keyFile());
    assertTrue(c.mqtt().tls().verifyHostname(), "host name verification is on by default");
    assertNull(c.outbox().flush().every());
    OutboxConfig o = c.outbox().outboxConfig(c.gateway().stateDir());
    assertEquals(Path.of("/etc/edgerule/state/outbox.db"), o.file());
    assertTrue(o.flush().eachMessage());
    assertEquals(256L << 20, o.budget(MessageClass.TELEMETRY).maxBytes());
    assertEquals(Duration.ofDays(1), o.budget(MessageClass.TELEMETRY).maxAge(), "default kept");
    assertEquals(Duration.ofDays(30), o.budget(MessageClass.ALARM).maxAge());
    assertEquals(16L << 20, o.budget(MessageClass.ALARM).maxBytes(), "default kept");
    assertEquals(0.25, c.outbox().replayShare());
  }

  @Test
  void defaultsWithoutAnOutboxSection() throws Exception {
    GatewayConfig c = parse("gateway: {id: gw, state_dir: /s}\nmqtt: {broker: tcp://b}\n");
    assertEquals("tcp://b:1883", c.mqtt().serverUri());
    assertEquals(Duration.ofMillis(100), c.outbox().flush().every());
    assertEquals(Path.of("/s/outbox.db"), c.outbox().file(c.gateway().stateDir()));
    assertEquals(0.5, c.outbox().replayShare());
    assertEquals(
        OutboxConfig.defaultBudgets().get(MessageClass.TELEMETRY),
        c.outbox().outboxConfig(c.gateway().stateDir()).budget(MessageClass.TELEMETRY));
    assertEquals(
        Duration.ofMillis(250),
        parse("gateway: {id: gw}\noutbox: {flush: {every: 250ms}}\n").outbox().flush().every());
  }

  @Test
  void wrongValuesAreNamedAtTheirLineAndColumn() {
    assertEquals(
        "/etc/edgerule/gateway.yaml:4:28: outbox.budgets.telemetry.max_bytes: '12 parsecs' is not a"
            + " size: write e.g. 4096, 512 KiB, 64 MiB, 2 GiB or 10 MB",
        fail(
            """
            gateway: {id: gw}
            outbox:
              budgets:
                telemetry: {max_bytes: 12 parsecs}
            """));
    String unknownClass =
        fail("gateway: {id: gw}\noutbox:\n  budgets:\n    telemetrie: {max_bytes: 1 MiB}\n");
    assertTrue(
        unknownClass.contains(
            ":4:5: outbox.budgets.telemetrie: unknown message class; one of"
                + " telemetry, alarm, write_result"),
        unknownClass);
    String flush = fail("gateway: {id: gw}\noutbox: {flush: every_second}\n");
    assertTrue(flush.contains(":2:17: outbox.flush: must be every_message or {every:"), flush);
    String share = fail("gateway: {id: gw}\noutbox:\n  replay_share: 0\n");
    assertTrue(share.contains(":3:3: outbox.replay_share: must be more than 0"), share);
    String tlsOnTcp =
        fail("gateway: {id: gw}\nmqtt:\n  broker: tcp://b\n  tls: {ca_file: ca.pem}\n");
    assertTrue(tlsOnTcp.contains(":4:3: mqtt.tls: is set but broker 'tcp://b' is plain"), tlsOnTcp);
    String scheme = fail("gateway: {id: gw}\nmqtt: {broker: 'ws://b:80'}\n");
    assertTrue(scheme.contains("mqtt.broker: must look like tcp://host:port, ssl://"), scheme);
    String both =
        fail(
            "gateway: {id: gw}\nmqtt:\n  broker: tcp://b\n  username: u\n  password: p\n"
                + "  password_file: p.txt\n");
    assertTrue(both.contains(":6:3: mqtt.password_file: is set and so is password"), both);
    String keyAlone =
        fail("gateway: {id: gw}\nmqtt:\n  broker: ssl://b\n  tls:\n    key_file: k.pem\n");
    assertTrue(keyAlone.contains("mqtt.tls.cert_file: required with key_file"), keyAlone);
  }
}
