package io.edgerule.ota.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which URLs a gateway fetches: decided from the URL alone, before any connection. */
class HttpDownloadsTest {
  private final HttpClient client = HttpClient.newHttpClient();

  private Optional<String> refusal(HttpDownloads d, String url) {
    return d.refusal(URI.create(url));
  }

  @Test
  void onlyAllowedHostsAndHttpsUnlessPlainHttpIsAllowed() {
    HttpDownloads d =
        new HttpDownloads(
            List.of("CDN.example.com", "*.blob.example.net"), false, true, client, null, r -> {});
    assertEquals(Optional.empty(), refusal(d, "https://cdn.example.com/p.rimg"));
    assertEquals(Optional.empty(), refusal(d, "https://CDN.EXAMPLE.COM:8443/p.rimg"));
    assertEquals(Optional.empty(), refusal(d, "https://acct.blob.example.net/c/p.rimg"));
    assertEquals(
        Optional.of(
            "host blob.example.net is not in ota.http.hosts [cdn.example.com, *.blob.example.net]"),
        refusal(d, "https://blob.example.net/p.rimg"),
        "a wildcard covers the names under the domain, not the domain");
    assertEquals(
        Optional.of(
            "host cdn.example.com.evil.org is not in ota.http.hosts [cdn.example.com,"
                + " *.blob.example.net]"),
        refusal(d, "https://cdn.example.com.evil.org/p.rimg"));
    assertEquals(
        Optional.of(
            "plain http:// refused (host cdn.example.com): https only unless"
                + " ota.http.allow_plain_http"),
        refusal(d, "http://cdn.example.com/p.rimg"));

    HttpDownloads plain =
        new HttpDownloads(List.of("cdn.example.com"), true, true, client, null, r -> {});
    assertEquals(Optional.empty(), refusal(plain, "http://cdn.example.com/p.rimg"));
  }

  @Test
  void withoutAClientEveryAllowedUrlIsRefusedWithTheReason() {
    HttpDownloads d =
        new HttpDownloads(
            List.of("cdn.example.com"),
            false,
            true,
            null,
            "ota.http.ca_file x: unreadable",
            r -> {});
    assertEquals(
        Optional.of("ota.http.ca_file x: unreadable"),
        refusal(d, "https://cdn.example.com/p.rimg"));
    assertEquals(
        Optional.of("host other.example.com is not in ota.http.hosts [cdn.example.com]"),
        refusal(d, "https://other.example.com/p.rimg"));
    assertEquals(
        Optional.of("host cdn.example.com is not in ota.http.hosts (none configured)"),
        refusal(HttpDownloads.NONE, "https://cdn.example.com/p.rimg"));
  }
}
