package io.edgerule.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code %journalLevel}: the syslog priority prefix journald reads from a service's output ({@code
 * <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>} debug), so `journalctl -p warning`
 * and the colours work; empty when the output is not the journal (a terminal, a file, a pipe).
 *
 * <p>systemd sets {@code JOURNAL_STREAM=DEV:INODE} for a service whose stdout or stderr is the
 * journal; a child that inherited the variable but writes elsewhere must not add prefixes
 * (sd-daemon(3)), so the variable is compared with the device and inode of fds 1 and 2.
 */
public final class JournalLevel extends ClassicConverter {
  private static final boolean JOURNAL = outputIsJournal(System.getenv("JOURNAL_STREAM"));

  @Override
  public String convert(ILoggingEvent event) {
    return JOURNAL ? prefix(event.getLevel()) : "";
  }

  static String prefix(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> "<3>";
      case Level.WARN_INT -> "<4>";
      case Level.INFO_INT -> "<6>";
      default -> "<7>";
    };
  }

  static boolean outputIsJournal(String journalStream) {
    if (journalStream == null || journalStream.isBlank()) {
      return false;
    }
    for (int fd = 1; fd <= 2; fd++) {
      if (journalStream.trim().equals(deviceAndInode(Path.of("/proc/self/fd/" + fd)))) {
        return true;
      }
    }
    return false;
  }

  /** "DEV:INODE" of what {@code file} refers to (the socket, for a journal stream), or "". */
  static String deviceAndInode(Path file) {
    try {
      Object dev = Files.getAttribute(file, "unix:dev");
      Object ino = Files.getAttribute(file, "unix:ino");
      return dev + ":" + ino;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "";
    }
  }
}
