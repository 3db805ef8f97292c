package io.edgerule.daemon.ota;

import io.edgerule.daemon.config.OtaSection;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.TrustRoot;
import io.edgerule.ota.trust.TrustStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust root a gateway verifies images and rollback switches against: kept in {@code
 * <state_dir>/trust/root.json}, installed from the configured file ({@code ota.trust_root}) the
 * first time. A configured root newer than the kept one replaces it only if it follows from it (a
 * rotation signed by the old root's keys, {@link TrustStore#update}); an older or equal one changes
 * nothing, so editing the config can never roll the trust back. Over the air, the fleet's published
 * chain moves the same store on ({@link io.edgerule.ota.fleet.TrustRootFollower}), and a root
 * received that way is kept across restarts whatever the config names.
 */
public final class GatewayTrust {
  private static final Logger log = LoggerFactory.getLogger(GatewayTrust.class);

  private GatewayTrust() {}

  /**
   * For {@code edgerule check}: the configured trust root can be read and is a valid self-signed
   * root, not expired.
   *
   * @return what is wrong, naming the file; null when all is well (or OTA is off)
   */
  public static String fileProblem(OtaSection ota, Instant now) {
    if (!ota.enabled()) {
      return null;
    }
    try {
      byte[] bytes = Files.readAllBytes(ota.trustRoot());
      TrustRoot.parse(bytes, ota.trustRoot().toString()).checkFresh(now);
      return null;
    } catch (IOException e) {
      return ota.trustRoot() + ": cannot read it: " + e;
    } catch (TrustException e) {
      return e.getMessage();
    }
  }

  static TrustStore open(Path stateDir, Path configured, Instant now)
      throws IOException, TrustException {
    byte[] provisioned;
    try {
      provisioned = Files.readAllBytes(configured);
    } catch (IOException e) {
      throw new IOException("ota.trust_root " + configured + ": cannot read it: " + e, e);
    }
    if (provisioned.length > TrustRoot.MAX_SIZE) {
      throw new IOException(
          "ota.trust_root " + configured + ": larger than " + TrustRoot.MAX_SIZE + " bytes");
    }
    TrustStore store = TrustStore.open(stateDir.resolve("trust").resolve("root.json"), provisioned);
    TrustRoot kept = store.current();
    TrustRoot given = TrustRoot.parse(provisioned, configured.toString());
    if (given.version() > kept.version()) {
      store.update(List.of(provisioned), now);
      log.info("trust root v{} from {} replaces v{}", given.version(), configured, kept.version());
    } else if (given.version() < kept.version()) {
      log.info(
          "trust root v{} kept: {} holds the older v{}",
          kept.version(),
          configured,
          given.version());
    }
    return store;
  }
}
