package io.edgerule.ota.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.trust.internal.Doc;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What the fleet documents' codecs share: the writer and the image id object. */
final class FleetJson {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Largest fleet document read (a switch naming 20,000 gateways is ~500 KB). */
  static final int MAX_SIZE = 1024 * 1024;

  private FleetJson() {}

  static byte[] bytes(ObjectNode o) {
    try {
      return JSON.writeValueAsString(o).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Doc parse(byte[] json, String where) throws Doc.Invalid {
    if (json.length > MAX_SIZE) {
      throw new Doc.Invalid(where, json.length + " bytes; at most " + MAX_SIZE + " are read");
    }
    return Doc.parse(json, where);
  }

  /**
   * Parses a document with a {@code type} field that must be {@code type}, and only {@code keys}.
   */
  static Doc typed(byte[] json, String where, String type, Set<String> keys) throws Doc.Invalid {
    Doc d = parse(json, where).only(keys);
    String t = d.text("type");
    if (!t.equals(type)) {
      throw new Doc.Invalid(d.at("type"), "'" + t + "' is not " + type);
    }
    return d;
  }

  static void putId(ObjectNode o, ImageId id) {
    o.put("name", id.name())
        .put("version", id.version())
        .put("security_version", id.securityVersion());
  }

  /** Reads {@code name}, {@code version}, {@code security_version} of {@code d}. */
  static ImageId id(Doc d) throws Doc.Invalid {
    return new ImageId(
        d.text("name"), d.text("version"), d.integer("security_version", 0, Long.MAX_VALUE));
  }

  static Set<String> idKeys() {
    return Set.of("name", "version", "security_version");
  }

  /** Writes an image object: sha256, size, its id, and its URLs if it has any. */
  static void putImage(ObjectNode o, RolloutImage image) {
    o.put("sha256", image.sha256()).put("size", image.size());
    putId(o, image.id());
    if (!image.urls().isEmpty()) {
      ArrayNode urls = o.putArray("urls");
      image.urls().forEach(u -> urls.add(u.toString()));
    }
  }

  /** Reads an image object written by {@link #putImage}. */
  static RolloutImage image(Doc img) throws Doc.Invalid {
    img.only(Set.of("sha256", "size", "name", "version", "security_version", "urls"));
    String sha = img.text("sha256");
    long size = img.integer("size", 1, Long.MAX_VALUE);
    ImageId imageId = id(img);
    List<URI> urls = new ArrayList<>();
    if (img.has("urls")) {
      List<String> texts = img.texts("urls", RolloutImage.MAX_URLS);
      for (int i = 0; i < texts.size(); i++) {
        try {
          urls.add(new URI(texts.get(i)));
        } catch (URISyntaxException e) {
          throw new Doc.Invalid(
              img.at("urls") + "[" + i + "]",
              "'" + texts.get(i) + "' is not a URL: " + e.getReason());
        }
      }
    }
    return checked(img.path(), () -> new RolloutImage(sha, size, imageId, urls));
  }

  /** Runs a record's validation, turning its complaint into one about {@code where}. */
  static <T> T checked(String where, java.util.function.Supplier<T> make) throws Doc.Invalid {
    try {
      return make.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new Doc.Invalid(where, e.getMessage());
    }
  }
}
