package io.edgerule.ota.device.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.ota.device.ImageStoreException;
import io.edgerule.ota.device.Slot;
import io.edgerule.ota.device.StorePointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes {@code active.json} (the {@link StorePointer}). */
public final class PointerFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PointerFile() {}

  public static StorePointer read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return StorePointer.EMPTY;
    }
    String where = file.toString();
    try {
      JsonNode n = JSON.readTree(Files.readAllBytes(file));
      return new StorePointer(
          slot(n, "active", where),
          slot(n, "committed", where),
          slot(n, "previous", where),
          n.path("config_before").asBoolean(false),
          n.path("floor").asLong(0),
          n.path("boots").asInt(0));
    } catch (IOException | RuntimeException e) {
      // Written only by rename after fsync: a damaged pointer is a damaged disk, not a crash.
      throw new ImageStoreException(where + ": unreadable active pointer: " + e.getMessage(), e);
    }
  }

  private static Slot slot(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : Slot.parse(v.asText(), where + ": " + field);
  }

  public static byte[] encode(StorePointer p) {
    ObjectNode n = JSON.createObjectNode();
    n.put("active", p.active() == null ? null : p.active().name());
    n.put("committed", p.committed() == null ? null : p.committed().name());
    n.put("previous", p.previous() == null ? null : p.previous().name());
    n.put("config_before", p.configBefore());
    n.put("floor", p.floor());
    n.put("boots", p.boots());
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
