package io.edgerule.ota.device;

import io.edgerule.ota.device.internal.CrashPoints;
import io.edgerule.ota.device.internal.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the updater keeps beside the image store: the last status ({@code status.json}, published
 * again after a restart) and the time floor ({@code time-floor}: the latest time verified), both
 * written durably. A record that cannot be read is logged and treated as absent.
 */
final class UpdateRecords {
  private static final Logger log = LoggerFactory.getLogger(UpdateRecords.class);

  private final Path status;
  private final Path timeFloor;
  private final DurableFiles files = new DurableFiles(CrashPoints.NONE);

  UpdateRecords(Path folder) {
    this.status = folder.resolve("status.json");
    this.timeFloor = folder.resolve("time-floor");
  }

  UpdateStatus readStatus() {
    try {
      return Files.exists(status) ? UpdateStatus.fromJson(Files.readAllBytes(status)) : null;
    } catch (IOException | RuntimeException e) {
      log.warn("{}: unreadable, ignored: {}", status, e.toString());
      return null;
    }
  }

  void writeStatus(UpdateStatus s) {
    try {
      files.replace(status, s.toJson());
    } catch (IOException e) {
      log.warn("cannot keep the update status: {}", e.toString());
    }
  }

  Optional<Instant> timeFloor() {
    try {
      return Files.exists(timeFloor)
          ? Optional.of(Instant.parse(Files.readString(timeFloor).strip()))
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      log.warn("{}: unreadable, ignored: {}", timeFloor, e.toString());
      return Optional.empty();
    }
  }

  /** Raises the time floor to {@code t} (never lowers it). */
  void raiseTimeFloor(Instant t) {
    if (timeFloor().map(old -> !t.isAfter(old)).orElse(false)) {
      return;
    }
    try {
      files.replace(timeFloor, t.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.warn("cannot keep the time floor: {}", e.toString());
    }
  }
}
