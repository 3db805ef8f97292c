package io.edgerule.ota.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;

/**
 * One transition of an update, as published (retained) on the gateway's OTA status topic and kept
 * in the image store so it can be published again after a restart.
 *
 * @param image the image the update is about (null only before its manifest is known)
 * @param state where the update stands
 * @param detail the trial's phase ({@code self-test}, {@code shadow}, {@code live}), a download's
 *     progress, or why it was rolled back or rejected
 * @param running the image the gateway runs now (null: the config's rules)
 * @param at when the transition happened
 */
public record UpdateStatus(
    ImageId image, UpdateState state, String detail, ImageId running, Instant at) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public UpdateStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(at, "at");
    detail = detail == null ? "" : detail;
  }

  public byte[] toJson() {
    ObjectNode n = JSON.createObjectNode();
    put(n, "image", image);
    n.put("state", state.name());
    n.put("detail", detail);
    put(n, "running", running);
    n.put("time", at.toString());
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void put(ObjectNode n, String field, ImageId id) {
    if (id == null) {
      n.putNull(field);
    } else {
      n.putObject(field)
          .put("name", id.name())
          .put("version", id.version())
          .put("security_version", id.securityVersion());
    }
  }

  public static UpdateStatus fromJson(byte[] bytes) throws IOException {
    JsonNode n = JSON.readTree(bytes);
    return new UpdateStatus(
        id(n.get("image")),
        UpdateState.valueOf(n.path("state").asText()),
        n.path("detail").asText(),
        id(n.get("running")),
        Instant.parse(n.path("time").asText()));
  }

  private static ImageId id(JsonNode n) {
    return n == null || n.isNull()
        ? null
        : new ImageId(
            n.path("name").asText(),
            n.path("version").asText(),
            n.path("security_version").asLong());
  }
}
