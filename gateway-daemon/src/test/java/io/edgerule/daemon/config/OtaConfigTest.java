package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.ota.device.TrialPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code ota:} section: defaults, the trial policy it makes, and errors at their place. */
class OtaConfigTest {
  private static final Path FILE = Path.of("/etc/edgerule/gateway.yaml");
  private static final String MQTT = "mqtt: {broker: tcp://127.0.0.1:1883}\n";
  private final ConfigLoader loader = new ConfigLoader(List.of(new ConfigLoaderTest.TestFactory()));

  private static String config(String rest) {
    return "gateway:\n  id: gw-1\n" + rest;
  }

  private String error(String yaml) {
    return assertThrows(ConfigException.class, () -> loader.parse(yaml, FILE)).getMessage();
  }

  @Test
  void offByDefaultWithTheUpdatersDefaults() throws Exception {
    OtaSection o = loader.parse(config(""), FILE).ota();
    assertFalse(o.enabled());
    assertTrue(o.selfTest());
    assertEquals(TrialPolicy.DEFAULTS, o.trialPolicy());
    assertEquals(32L << 20, o.maxImageSize().bytes());
    assertEquals(Duration.ofMinutes(30), o.downloadTimeout());
    assertEquals(Duration.ofSeconds(60), o.chunkTimeout());
  }

  @Test
  void everySettingIsRead() throws Exception {
    OtaSection o =
        loader
            .parse(
                config(
                    MQTT
                        + "ota:\n"
                        + "  enabled: true\n"
                        + "  trust_root: keys/root.json\n"
                        + "  self_test: false\n"
                        + "  shadow: 0\n"
                        + "  trial_window: 10m\n"
                        + "  check_every: 500ms\n"
                        + "  max_trial_boots: 5\n"
                        + "  max_traps: 2\n"
                        + "  max_deadline_misses: 3\n"
                        + "  max_error_rate: 0.05\n"
                        + "  max_image_size: 4 MiB\n"
                        + "  download_timeout: 1h\n"
                        + "  chunk_timeout: 2m\n"),
                FILE)
            .ota();
    assertTrue(o.enabled());
    assertEquals(Path.of("/etc/edgerule/keys/root.json"), o.trustRoot(), "relative to the file");
    assertFalse(o.selfTest());
    assertEquals(
        new TrialPolicy(
            Duration.ZERO, Duration.ofMinutes(10), Duration.ofMillis(500), 5, 2, 3, 0.05),
        o.trialPolicy());
    assertEquals(4L << 20, o.maxImageSize().bytes());
    assertEquals(Duration.ofHours(1), o.downloadTimeout());
    assertEquals(Duration.ofMinutes(2), o.chunkTimeout());
  }

  @Test
  void badValuesAreReportedAtTheirPlace() {
    assertEquals(
        "/etc/edgerule/gateway.yaml:5:3: ota.enabled: needs trust_root: the trust root file images"
            + " and rollback switches are verified against (edgerule keys trust-root create)",
        error(config(MQTT + "ota:\n  enabled: true\n")));
    assertEquals(
        "/etc/edgerule/gateway.yaml:4:3: ota.enabled: the gateway follows rollouts over MQTT: needs"
            + " an 'mqtt:' section",
        error(config("ota:\n  enabled: true\n  trust_root: root.json\n")));
    assertEquals(
        "/etc/edgerule/gateway.yaml:4:3: ota.max_error_rate: must be 0..1 (failed calls / calls),"
            + " got 5.0",
        error(config("ota:\n  max_error_rate: 5\n")));
    assertEquals(
        "/etc/edgerule/gateway.yaml:4:3: ota.max_trial_boots: must be 1..1000, got 0",
        error(config("ota:\n  max_trial_boots: 0\n")));
    assertEquals(
        "/etc/edgerule/gateway.yaml:4:3: ota.max_traps: must be 0 or more, got -1",
        error(config("ota:\n  max_traps: -1\n")));
    assertEquals(
        "/etc/edgerule/gateway.yaml:4:3: ota.max_deadline_misses: must be 0 or more, got -2",
        error(config("ota:\n  max_deadline_misses: -2\n")));
    String shadow = error(config("ota:\n  shadow: 2d\n"));
    assertEquals(
        "/etc/edgerule/gateway.yaml:4:3: ota.shadow: must be 0..1d, got 2d", shadow, shadow);
    String size = error(config("ota:\n  max_image_size: 64 MiB\n"));
    assertTrue(
        size.startsWith("/etc/edgerule/gateway.yaml:4:3: ota.max_image_size: must be 1 KiB.."),
        size);
    String unknown = error(config("ota:\n  trial: 1s\n"));
    assertTrue(
        unknown.startsWith("/etc/edgerule/gateway.yaml:4:3: ota.trial: unknown key"), unknown);
  }

  @Test
  void httpDownloadsAreOffUntilHostsAreNamed() throws Exception {
    OtaHttp off = loader.parse(config(""), FILE).ota().http();
    assertEquals(List.of(), off.hosts());
    assertFalse(off.allowPlainHttp());
    assertTrue(off.mqttFallback());
    assertEquals(null, off.caFile());
    assertEquals(null, off.proxy());

    OtaHttp h =
        loader
            .parse(
                config(
                    "ota:\n"
                        + "  http:\n"
                        + "    hosts: [CDN.example.com, '*.blob.example.net', 10.0.0.5]\n"
                        + "    allow_plain_http: true\n"
                        + "    ca_file: pki/cdn-ca.pem\n"
                        + "    proxy: http://proxy.example.com:3128\n"
                        + "    mqtt_fallback: false\n"),
                FILE)
            .ota()
            .http();
    assertEquals(List.of("cdn.example.com", "*.blob.example.net", "10.0.0.5"), h.hosts());
    assertTrue(h.allowPlainHttp());
    assertEquals(Path.of("/etc/edgerule/pki/cdn-ca.pem"), h.caFile(), "relative to the file");
    assertEquals("proxy.example.com", h.proxy().getHost());
    assertFalse(h.mqttFallback());
  }

  @Test
  void badHttpSettingsAreReportedAtTheirPlace() {
    String url = error(config("ota:\n  http:\n    hosts: ['https://cdn.example.com/']\n"));
    assertTrue(
        url.startsWith("/etc/edgerule/gateway.yaml:")
            && url.contains("ota.http")
            && url.contains(
                "hosts[0]: 'https://cdn.example.com/' is not a host name: give the name alone"),
        url);
    String proxy = error(config("ota:\n  http:\n    proxy: socks5://p:1080\n"));
    assertTrue(
        proxy.contains("ota.http")
            && proxy.contains("proxy: must look like http://host:port, got 'socks5://p:1080'"),
        proxy);
    String unknown = error(config("ota:\n  http:\n    allow_http: true\n"));
    assertTrue(unknown.contains("ota.http.allow_http: unknown key"), unknown);
  }
}
