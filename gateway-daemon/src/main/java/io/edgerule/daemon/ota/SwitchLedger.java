package io.edgerule.daemon.ota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollback switches this gateway has acted on ({@code <state_dir>/ota/switches.json}), kept
 * across restarts so that a switch still retained in the broker, or one replayed, is acted on once:
 * after a restart it changes nothing, also when the gateway runs its image again. An entry is kept
 * until its switch expires (an expired switch is refused anyway). Written atomically.
 */
final class SwitchLedger {
  private static final Logger log = LoggerFactory.getLogger(SwitchLedger.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, Instant> acted = new LinkedHashMap<>(); // id -> the switch's expiry

  SwitchLedger(Path file) {
    this.file = file;
    try {
      if (Files.exists(file)) {
        JsonNode n = JSON.readTree(Files.readAllBytes(file));
        n.path("acted").fields().forEachRemaining(e -> acted.put(e.getKey(), at(e.getValue())));
      }
    } catch (IOException | RuntimeException e) {
      // Written only by rename after fsync: unreadable means a damaged disk. Switches already
      // acted on may then act again once; a gateway no longer running their image ignores them.
      log.warn("{}: unreadable, starting empty: {}", file, e.toString());
    }
  }

  private static Instant at(JsonNode n) {
    return Instant.parse(n.asText());
  }

  synchronized boolean contains(String id) {
    return acted.containsKey(id);
  }

  /** Records {@code id} durably; drops the entries of switches expired by {@code now}. */
  synchronized void record(String id, Instant expires, Instant now) {
    acted.values().removeIf(e -> !now.isBefore(e));
    acted.put(id, expires);
    ObjectNode n = JSON.createObjectNode();
    ObjectNode a = n.putObject("acted");
    acted.forEach((k, v) -> a.put(k, v.toString()));
    try {
      write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    } catch (IOException e) {
      log.warn("cannot keep the rollback switches acted on in {}: {}", file, e.toString());
    }
  }

  private void write(byte[] bytes) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
