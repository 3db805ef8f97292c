package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code fleet rollout start --url}: each URL is parsed strictly and fetched once to check it
 * serves exactly the image (the JDK's own HTTP server stands in for the CDN).
 */
class UrlCheckTest {
  @Test
  void aUrlMustServeExactlyTheImage() throws Exception {
    byte[] image = new byte[5000];
    for (int i = 0; i < image.length; i++) {
      image[i] = (byte) (i * 31);
    }
    byte[] other = image.clone();
    other[100] ^= 1;
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          byte[] body =
              switch (ex.getRequestURI().getPath()) {
                case "/good.rimg" -> image;
                case "/other.rimg" -> other;
                default -> null;
              };
          if (ex.getRequestURI().getPath().equals("/moved.rimg")) {
            ex.getResponseHeaders().add("Location", "/good.rimg");
            ex.sendResponseHeaders(302, -1);
          } else if (body == null) {
            ex.sendResponseHeaders(404, -1);
          } else {
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
          }
          ex.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      UrlCheck.serves(URI.create(base + "/good.rimg"), image, sha);
      String wrong =
          assertThrows(
                  IllegalStateException.class,
                  () -> UrlCheck.serves(URI.create(base + "/other.rimg"), image, sha))
              .getMessage();
      assertTrue(
          wrong.startsWith("--url " + base + "/other.rimg does not serve the image: 5000 bytes")
              && wrong.endsWith("the image is 5000 bytes, SHA-256 " + sha),
          wrong);
      String moved =
          assertThrows(
                  IllegalStateException.class,
                  () -> UrlCheck.serves(URI.create(base + "/moved.rimg"), image, sha))
              .getMessage();
      assertEquals("--url " + base + "/moved.rimg: HTTP 302 (gateways follow no redirect)", moved);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void urlOptionsAreCheckedBeforeAnythingIsPublished() {
    RolloutStartCommand c = new RolloutStartCommand();
    c.urls = List.of("https://cdn.example.com/p.rimg", " http://10.0.0.5/p.rimg ");
    assertEquals(
        List.of(URI.create("https://cdn.example.com/p.rimg"), URI.create("http://10.0.0.5/p.rimg")),
        c.urls());
    c.urls = List.of("https://ops:secret@cdn.example.com/p.rimg");
    String creds = assertThrows(IllegalArgumentException.class, c::urls).getMessage();
    assertTrue(creds.startsWith("--url: the URL of cdn.example.com carries user info"), creds);
    c.urls = List.of("ftp://cdn.example.com/p.rimg");
    String scheme = assertThrows(IllegalArgumentException.class, c::urls).getMessage();
    assertEquals(
        "--url: 'ftp://cdn.example.com/p.rimg' is not an https:// (or http://) URL with a host",
        scheme);
  }
}
