package io.edgerule.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransportConfigTest {

  private static String error(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void schemesMapToPahoUrisWithDefaultPorts() {
    assertEquals("tcp://h:1883", TransportConfig.builder("tcp://h", "c").build().pahoUri());
    assertEquals("ssl://h:8883", TransportConfig.builder("ssl://h", "c").build().pahoUri());
    assertEquals("ssl://h:8884", TransportConfig.builder("mqtts://h:8884", "c").build().pahoUri());
    TransportConfig tls = TransportConfig.builder("mqtts://h", "c").build();
    assertNotNull(tls.tls(), "ssl/mqtts without TLS settings uses the defaults");
    assertTrue(tls.tls().verifyHostname(), "host name verification is on by default");
    assertNull(TransportConfig.builder("tcp://h", "c").build().tls());
  }

  @Test
  void badSettingsSayWhatIsWrong() {
    assertEquals(
        "server_uri must look like tcp://host:port, ssl://host:port or mqtts://host:port, got 'ws://h:1'",
        error(() -> TransportConfig.builder("ws://h:1", "c").build()));
    assertEquals(
        "tls is set but server_uri 'tcp://h:1' is plain tcp://; use ssl:// or mqtts://",
        error(
            () ->
                TransportConfig.builder("tcp://h:1", "c")
                    .tls(TlsConfig.trusting(Path.of("ca.pem")))
                    .build()));
    assertEquals(
        "password is set but username is not",
        error(() -> TransportConfig.builder("tcp://h", "c").credentials(null, "p").build()));
    assertEquals(
        "keep_alive must be 1s..65535s, got PT0S",
        error(() -> TransportConfig.builder("tcp://h", "c").keepAlive(Duration.ZERO).build()));
    assertEquals(
        "max_in_flight must be 1..65000, got 0",
        error(() -> TransportConfig.builder("tcp://h", "c").maxInFlight(0).build()));
    assertEquals(
        "tls.client_key is set but tls.client_certificate is not",
        error(() -> new TlsConfig(null, null, Path.of("k"), null, true)));
    assertEquals(
        "client_id is required", error(() -> TransportConfig.builder("tcp://h", "").build()));
  }

  @Test
  void reconnectDelayDoublesUpToTheMaximumWithAtMostTwentyPercentJitter() {
    TransportConfig c =
        TransportConfig.builder("tcp://h", "c")
            .reconnect(Duration.ofMillis(100), Duration.ofMillis(1000))
            .build();
    long[] nominal = {100, 200, 400, 800, 1000, 1000};
    for (int attempt = 0; attempt < nominal.length; attempt++) {
      long d = c.reconnectDelay(attempt).toMillis();
      assertTrue(d <= nominal[attempt] && d >= nominal[attempt] * 0.8, attempt + ": " + d);
    }
    assertTrue(c.reconnectDelay(Integer.MAX_VALUE).toMillis() <= 1000);
  }

  @Test
  void toStringHidesThePassword() {
    TransportConfig c = TransportConfig.builder("tcp://h", "c").credentials("u", "hunter2").build();
    assertTrue(!c.toString().contains("hunter2"), c.toString());
  }
}
