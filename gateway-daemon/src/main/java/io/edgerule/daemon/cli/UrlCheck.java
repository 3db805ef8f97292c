package io.edgerule.daemon.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Checks, from the operator's machine, that a URL a rollout names serves exactly the image file: a
 * rollout that points every gateway at a wrong file would only show as failed downloads.
 */
final class UrlCheck {
  private UrlCheck() {}

  /**
   * @throws IllegalStateException naming the URL and what it serves instead
   */
  static void serves(URI url, byte[] file, String sha256) {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2)).GET().build();
    byte[] got;
    try {
      HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = resp.body()) {
        if (resp.statusCode() != 200) {
          throw new IllegalStateException(
              "--url " + url + ": HTTP " + resp.statusCode() + " (gateways follow no redirect)");
        }
        got = in.readNBytes(file.length + 1); // one more tells a longer file
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "--url " + url + ": " + e + " (--no-url-check if this machine cannot reach it)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("--url " + url + ": interrupted", e);
    }
    String hash;
    try {
      hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(got));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (got.length != file.length || !hash.equals(sha256)) {
      throw new IllegalStateException(
          "--url "
              + url
              + " does not serve the image: "
              + (got.length > file.length ? "more than " + file.length : got.length)
              + " bytes, SHA-256 "
              + hash
              + "; the image is "
              + file.length
              + " bytes, SHA-256 "
              + sha256);
    }
  }
}
