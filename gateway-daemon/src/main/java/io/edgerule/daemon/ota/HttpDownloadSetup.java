package io.edgerule.daemon.ota;

import io.edgerule.daemon.config.OtaHttp;
import io.edgerule.ota.device.HttpDownloads;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Makes the {@link HttpDownloads} of {@code ota.http}: the JDK HttpClient (the JDK's CAs, or only
 * those of {@code ca_file}; the proxy; {@code ota.chunk_timeout} as connect timeout; no redirects,
 * whose target would escape the host check) and the daemon's download thread. A CA file that cannot
 * be used does not stop the gateway: every URL is then refused with that reason and the images come
 * over MQTT.
 */
public final class HttpDownloadSetup {
  private HttpDownloadSetup() {}

  /**
   * @param downloadThread the fetch blocks it while reading the response
   * @param clientIo the client's own I/O work (delivering response bytes to that reader): another
   *     executor, or the reader would wait for itself
   */
  static HttpDownloads of(
      OtaHttp http, Duration connectTimeout, Executor downloadThread, Executor clientIo) {
    if (http.hosts().isEmpty()) {
      return new HttpDownloads(
          http.hosts(),
          http.allowPlainHttp(),
          http.mqttFallback(),
          null,
          "no host allowed (ota.http.hosts is empty)",
          downloadThread);
    }
    // Redirects are not followed: their target would escape the host check.
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .executor(clientIo)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (http.proxy() != null) {
      b.proxy(
          ProxySelector.of(
              InetSocketAddress.createUnresolved(http.proxy().getHost(), http.proxy().getPort())));
    }
    if (http.caFile() != null) {
      try {
        b.sslContext(trusting(http.caFile()));
      } catch (IOException | GeneralSecurityException e) {
        return new HttpDownloads(
            http.hosts(),
            http.allowPlainHttp(),
            http.mqttFallback(),
            null,
            "ota.http.ca_file " + http.caFile() + " cannot be used: " + e.getMessage(),
            downloadThread);
      }
    }
    return new HttpDownloads(
        http.hosts(), http.allowPlainHttp(), http.mqttFallback(), b.build(), null, downloadThread);
  }

  /**
   * What is wrong with {@code ota.http.ca_file}, or null (also when it is unset): for {@code
   * edgerule check}, which refuses a file the gateway could not use.
   */
  public static String caFileProblem(OtaHttp http) {
    if (http.caFile() == null) {
      return null;
    }
    try {
      trusting(http.caFile());
      return null;
    } catch (IOException | GeneralSecurityException e) {
      return http.caFile() + ": " + e;
    }
  }

  /** A TLS context that trusts exactly the certificates of {@code caFile} (PEM). */
  static SSLContext trusting(Path caFile) throws IOException, GeneralSecurityException {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(caFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (certs.isEmpty()) {
      throw new IOException("no certificate in it (expected -----BEGIN CERTIFICATE-----)");
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    int i = 0;
    for (Certificate c : certs) {
      ks.setCertificateEntry("ca" + i++, c);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
    return ctx;
  }
}
