package io.edgerule.ota.fleet;

import io.edgerule.ota.device.ImageId;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * The image a rollout installs: the SHA-256 of its {@code .rimg} file (where its index and chunks
 * are: {@code <prefix>/images/<sha256>/...}), its size, the name, version and security version its
 * signed manifest gives (what gateways report in their status), and optional HTTP(S) URLs that
 * serve the same file (a CDN, an object store), tried before the MQTT chunks.
 *
 * <p>A URL only says where bytes may come from: every chunk is checked against the index's SHA-256
 * of it (the index comes over MQTT, bound to {@code sha256}), the whole file against {@code
 * sha256}, and the image's signatures against the gateway's trust root before anything is staged.
 *
 * @param urls 0..{@value #MAX_URLS} absolute {@code https://} or {@code http://} URLs without user
 *     info or fragment (a retained document is readable by every gateway: no credentials in it),
 *     each at most {@value #MAX_URL_LENGTH} characters, tried in order
 */
public record RolloutImage(String sha256, long size, ImageId id, List<URI> urls) {
  public static final int MAX_URLS = 8;
  public static final int MAX_URL_LENGTH = 2048;

  public RolloutImage {
    Ids.sha256("image.sha256", sha256);
    Objects.requireNonNull(id, "id");
    if (size <= 0) {
      throw new IllegalArgumentException("image.size must be > 0, got " + size);
    }
    urls = List.copyOf(urls);
    if (urls.size() > MAX_URLS) {
      throw new IllegalArgumentException(
          "image.urls: " + urls.size() + " URLs; at most " + MAX_URLS);
    }
    for (int i = 0; i < urls.size(); i++) {
      checkUrl("image.urls[" + i + "]", urls.get(i));
    }
  }

  /** An image offered over MQTT only. */
  public RolloutImage(String sha256, long size, ImageId id) {
    this(sha256, size, id, List.of());
  }

  /** The same image offered at {@code newUrls} (replacing any it had). */
  public RolloutImage withUrls(List<URI> newUrls) {
    return new RolloutImage(sha256, size, id, newUrls);
  }

  /**
   * Checks one download URL.
   *
   * @throws IllegalArgumentException naming {@code what} and the problem
   */
  public static URI checkUrl(String what, URI u) {
    if (u == null) {
      throw new IllegalArgumentException(what + ": is null");
    }
    String s = u.toString();
    if (s.length() > MAX_URL_LENGTH) {
      throw new IllegalArgumentException(
          what + ": " + s.length() + " characters; at most " + MAX_URL_LENGTH);
    }
    String scheme = u.getScheme();
    if (!u.isAbsolute()
        || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
        || u.getHost() == null) {
      throw new IllegalArgumentException(
          what + ": '" + s + "' is not an https:// (or http://) URL with a host");
    }
    if (u.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          what
              + ": the URL of "
              + u.getHost()
              + " carries user info (user:password@): a retained rollout is readable by every"
              + " gateway, keep credentials out of it");
    }
    if (u.getRawFragment() != null) {
      throw new IllegalArgumentException(what + ": '" + s + "' has a fragment (#...)");
    }
    return u;
  }

  /** Parses and checks a URL given as text (a document, an option). */
  public static URI parseUrl(String what, String text) {
    try {
      return checkUrl(what, new URI(text));
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(what + ": '" + text + "' is not a URL: " + e.getReason());
    }
  }

  @Override
  public String toString() {
    return id + " [" + sha256.substring(0, 12) + "]";
  }
}
