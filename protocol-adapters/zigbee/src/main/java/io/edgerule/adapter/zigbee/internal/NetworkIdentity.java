package io.edgerule.adapter.zigbee.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network the coordinator formed (PAN, extended PAN, channel, dongle address), remembered in
 * {@code network.properties} so that a dongle that formed a different network is noticed: devices
 * paired before cannot talk to it and must be paired again.
 */
public record NetworkIdentity(String dongle, int panId, String extendedPanId, int channel) {
  private static final Logger log = LoggerFactory.getLogger(NetworkIdentity.class);
  private static final String FILE = "network.properties";

  public static Optional<NetworkIdentity> load(Path directory) {
    Path file = directory.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
      return Optional.of(
          new NetworkIdentity(
              p.getProperty("dongle", ""),
              // unsigned: store() writes a negative PAN id (unknown) as ffffffff
              Integer.parseUnsignedInt(p.getProperty("pan_id", "0"), 16),
              p.getProperty("extended_pan_id", ""),
              Integer.parseInt(p.getProperty("channel", "0"))));
    } catch (IOException | RuntimeException e) {
      // say so: the caller then takes the network as new and overwrites the file
      log.warn("ignored {}: unreadable ({})", file, e.toString());
      return Optional.empty();
    }
  }

  public void store(Path directory) throws IOException {
    Properties p = new Properties();
    p.setProperty("dongle", dongle);
    p.setProperty("pan_id", String.format("%04x", panId));
    p.setProperty("extended_pan_id", extendedPanId);
    p.setProperty("channel", Integer.toString(channel));
    Path tmp = directory.resolve(FILE + ".tmp");
    try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(out, "Zigbee network formed by the coordinator dongle, written by edgerule");
    }
    Files.move(
        tmp,
        directory.resolve(FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Same network: same dongle and extended PAN id (the PAN id may change after a conflict). */
  public boolean sameNetworkAs(NetworkIdentity other) {
    return dongle.equalsIgnoreCase(other.dongle)
        && extendedPanId.equalsIgnoreCase(other.extendedPanId);
  }

  @Override
  public String toString() {
    return String.format(
        "channel %d, PAN %04X, extended PAN %s (dongle %s)", channel, panId, extendedPanId, dongle);
  }
}
