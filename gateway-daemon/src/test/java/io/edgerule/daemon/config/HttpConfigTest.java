package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code http:} section: defaults, off, and errors at their place. */
class HttpConfigTest {
  private static final Path FILE = Path.of("/etc/edgerule/gateway.yaml");
  private final ConfigLoader loader = new ConfigLoader(List.of(new ConfigLoaderTest.TestFactory()));

  private static String config(String http) {
    return "gateway:\n  id: gw-1\n" + http;
  }

  private String error(String yaml) {
    return assertThrows(ConfigException.class, () -> loader.parse(yaml, FILE)).getMessage();
  }

  @Test
  void onByDefaultOnLoopbackAtTheDocumentedPort() throws Exception {
    HttpSection h = loader.parse(config(""), FILE).http();
    assertTrue(h.enabled());
    assertEquals("127.0.0.1", h.address());
    assertEquals(9470, h.port());
    h = loader.parse(config("http: {address: 0.0.0.0, port: 8080}\n"), FILE).http();
    assertEquals("0.0.0.0", h.address());
    assertEquals(8080, h.port());
    assertFalse(loader.parse(config("http: {enabled: false}\n"), FILE).http().enabled());
  }

  @Test
  void badValuesAreReportedAtTheirPlace() {
    assertEquals(
        "/etc/edgerule/gateway.yaml:3:8: http.port: must be 0..65535, got 70000",
        error(config("http: {port: 70000}\n")));
    assertEquals(
        "/etc/edgerule/gateway.yaml:3:8: http.address: must be an IP address or host name, e.g."
            + " 127.0.0.1 or 0.0.0.0, got 'a b'",
        error(config("http: {address: a b}\n")));
    String unknown = error(config("http: {prot: 1}\n"));
    assertTrue(unknown.startsWith("/etc/edgerule/gateway.yaml:3:8: http.prot:"), unknown);
  }
}
