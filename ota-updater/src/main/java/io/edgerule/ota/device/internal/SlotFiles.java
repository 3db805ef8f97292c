package io.edgerule.ota.device.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.ImageStoreException;
import io.edgerule.ota.device.RuleModule;
import io.edgerule.ota.device.Slot;
import io.edgerule.ota.device.SlotImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One slot on disk: a folder {@code slots/<slot>-<generation>} holding the image's files, and a
 * record {@code slot-<slot>.json} naming that folder with each file's size and SHA-256. A new image
 * is written into a fresh folder ({@code .part} until complete), then the record is replaced: the
 * slot is the old image until that rename and the new one after it.
 */
public final class SlotFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern EXTRA = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,63}");
  public static final String PART = ".part";

  private final Path root;
  private final DurableFiles files;

  public SlotFiles(Path root, DurableFiles files) {
    this.root = root;
    this.files = files;
  }

  public Path record(Slot slot) {
    return root.resolve("slot-" + slot.name().toLowerCase(Locale.ROOT) + ".json");
  }

  public Path slotsFolder() {
    return root.resolve("slots");
  }

  /** The folder the slot's record names, or null if the slot is empty. */
  public String folderOf(Slot slot) throws IOException {
    Path rec = record(slot);
    if (!Files.exists(rec)) {
      return null;
    }
    return parseRecord(rec).path("folder").asText(null);
  }

  /** The image id the slot's record names, or null if the slot is empty (files not checked). */
  public ImageId idOf(Slot slot) throws IOException {
    Path rec = record(slot);
    return Files.exists(rec) ? id(parseRecord(rec), rec.toString()) : null;
  }

  /** Writes {@code image} into {@code slot}, replacing what it held. */
  public void write(Slot slot, SlotImage image) throws IOException {
    for (String name : image.extras().keySet()) {
      if (!EXTRA.matcher(name).matches() || name.endsWith(".wasm") || name.endsWith(".yaml")) {
        throw new IllegalArgumentException("image file name '" + name + "' is not allowed");
      }
    }
    String old = folderOf(slot);
    int generation = old == null ? 1 : generation(old) + 1;
    String folder = slot.name().toLowerCase(Locale.ROOT) + "-" + generation;
    Files.createDirectories(slotsFolder());
    Path part = slotsFolder().resolve(folder + PART);
    files.deleteTree(part);
    Files.createDirectory(part);
    ObjectNode rec = JSON.createObjectNode();
    rec.put("folder", folder);
    rec.put("name", image.id().name());
    rec.put("version", image.id().version());
    rec.put("security_version", image.id().securityVersion());
    ArrayNode list = rec.putArray("files");
    for (RuleModule m : image.modules()) {
      put(part, list, m.rule() + ".wasm", m.wasm()).put("rule", m.rule()).put("kind", "wasm");
      put(part, list, m.rule() + ".yaml", m.manifest())
          .put("rule", m.rule())
          .put("kind", "manifest");
    }
    for (Map.Entry<String, byte[]> e : image.extras().entrySet()) {
      put(part, list, e.getKey(), e.getValue()).put("kind", "extra");
    }
    files.syncFolder(part);
    files.rename(part, slotsFolder().resolve(folder));
    files.replace(record(slot), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(rec));
    if (old != null && !old.equals(folder)) {
      files.deleteTree(slotsFolder().resolve(old));
    }
  }

  private ObjectNode put(Path folder, ArrayNode list, String name, byte[] bytes)
      throws IOException {
    files.writeAndSync(folder.resolve(name), bytes);
    return list.addObject()
        .put("file", name)
        .put("size", bytes.length)
        .put("sha256", Sha256.hex(bytes));
  }

  /**
   * Reads the slot's image and checks every file against its record.
   *
   * @return null if the slot is empty
   * @throws ImageStoreException naming the file that is missing, short or altered
   */
  public SlotImage read(Slot slot) throws IOException {
    Path rec = record(slot);
    if (!Files.exists(rec)) {
      return null;
    }
    String where = rec.toString();
    JsonNode n = parseRecord(rec);
    Path folder = slotsFolder().resolve(n.path("folder").asText());
    Map<String, byte[]> wasm = new LinkedHashMap<>();
    Map<String, byte[]> manifests = new LinkedHashMap<>();
    Map<String, byte[]> extras = new LinkedHashMap<>();
    for (JsonNode f : n.path("files")) {
      String name = f.path("file").asText();
      Path file = folder.resolve(name);
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new ImageStoreException("slot " + slot + ": cannot read " + file + ": " + e, e);
      }
      if (bytes.length != f.path("size").asLong(-1)
          || !Sha256.hex(bytes).equals(f.path("sha256").asText())) {
        throw new ImageStoreException(
            "slot " + slot + ": " + file + " does not match its record " + where + " (damaged)");
      }
      switch (f.path("kind").asText()) {
        case "wasm" -> wasm.put(f.path("rule").asText(), bytes);
        case "manifest" -> manifests.put(f.path("rule").asText(), bytes);
        default -> extras.put(name, bytes);
      }
    }
    List<RuleModule> modules = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : wasm.entrySet()) {
      byte[] manifest = manifests.get(e.getKey());
      if (manifest == null) {
        throw new ImageStoreException(where + ": rule '" + e.getKey() + "' has no manifest");
      }
      modules.add(new RuleModule(e.getKey(), e.getValue(), manifest));
    }
    return new SlotImage(id(n, where), modules, extras);
  }

  private static ImageId id(JsonNode n, String where) {
    try {
      return new ImageId(
          n.path("name").asText(), n.path("version").asText(), n.path("security_version").asLong());
    } catch (RuntimeException e) {
      throw new ImageStoreException(where + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode parseRecord(Path rec) throws IOException {
    try {
      return JSON.readTree(Files.readAllBytes(rec));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ImageStoreException(rec + ": unreadable slot record: " + e.getOriginalMessage(), e);
    }
  }

  private static int generation(String folder) {
    try {
      return Integer.parseInt(folder.substring(folder.indexOf('-') + 1));
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
