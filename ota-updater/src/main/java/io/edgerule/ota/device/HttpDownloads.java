package io.edgerule.ota.device;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Where and how a gateway may download images over HTTP(S), given by the daemon (config {@code
 * ota.http}): the hosts it may fetch from, whether plain {@code http://} is allowed, the client
 * (its trust store, proxy and connect timeout), the executor the blocking fetch runs on (the
 * daemon's own thread, never an MQTT callback thread or a shared pool), and whether a download
 * whose URLs all failed goes on with the MQTT chunks.
 *
 * @param hosts host names a URL may name (case-insensitive), exact or {@code *.example.com} (any
 *     name under example.com, not example.com itself); empty: no URL is ever fetched
 * @param allowPlainHttp allow {@code http://} URLs too (default false: https only)
 * @param mqttFallback when every URL of the image failed or was refused, download the chunks over
 *     MQTT (default true)
 * @param client the HTTP client; null when {@code unavailable} says why (then every URL is refused
 *     with that reason)
 * @param unavailable why there is no client (a CA file that cannot be read), or null
 * @param exec runs the blocking fetch; a single thread is enough (one download at a time)
 */
public record HttpDownloads(
    List<String> hosts,
    boolean allowPlainHttp,
    boolean mqttFallback,
    HttpClient client,
    String unavailable,
    Executor exec) {

  /** No HTTP at all: every URL is refused; the chunks come over MQTT. */
  public static final HttpDownloads NONE =
      new HttpDownloads(List.of(), false, true, null, "no HTTP downloads configured", r -> {});

  public HttpDownloads {
    hosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    Objects.requireNonNull(exec, "exec");
    if (client == null && unavailable == null) {
      throw new IllegalArgumentException("no client, and no reason why");
    }
  }

  /**
   * Why {@code url} must not be fetched, or empty if it may be: the scheme (plain http not
   * allowed), the host (not in {@code hosts}), or the client unavailable. Decided from the URL
   * alone, before any connection.
   */
  public Optional<String> refusal(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
    if (scheme.equals("http") && !allowPlainHttp) {
      return Optional.of(
          "plain http:// refused (host " + host + "): https only unless ota.http.allow_plain_http");
    }
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return Optional.of("scheme '" + scheme + "' refused: https:// or http:// only");
    }
    if (!allowed(host)) {
      return Optional.of(
          "host "
              + host
              + " is not in ota.http.hosts"
              + (hosts.isEmpty() ? " (none configured)" : " " + hosts));
    }
    if (client == null) {
      return Optional.of(unavailable);
    }
    return Optional.empty();
  }

  private boolean allowed(String host) {
    if (host.isEmpty()) {
      return false;
    }
    for (String h : hosts) {
      if (h.startsWith("*.")) {
        String suffix = h.substring(1); // ".example.com"
        if (host.endsWith(suffix) && host.length() > suffix.length()) {
          return true;
        }
      } else if (h.equals(host)) {
        return true;
      }
    }
    return false;
  }
}
