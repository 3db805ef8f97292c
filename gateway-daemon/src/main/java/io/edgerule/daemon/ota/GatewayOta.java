package io.edgerule.daemon.ota;

import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.ota.device.BootChoice;
import io.edgerule.ota.device.DeployPort;
import io.edgerule.ota.device.ImageStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's OTA side: the image store under {@code <state_dir>/ota}, what this start loads from
 * it, and the deploy port the updater drives.
 *
 * <p>Precedence at start: when the store has an active image (committed, or on trial and not yet
 * given up), the gateway runs that image's rules and the config's {@code rules:} are not loaded;
 * otherwise it runs the config's rules, as without OTA.
 */
public final class GatewayOta implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayOta.class);

  /** Starts during one trial after which the gateway gives the image up (it keeps crashing). */
  public static final int MAX_TRIAL_BOOTS = 3;

  private final ImageStore store;
  private final BootChoice boot;
  private final RuleDeployment deployment;
  private final RuleTable table;

  private GatewayOta(
      ImageStore store, BootChoice boot, RuleDeployment deployment, RuleTable table) {
    this.store = store;
    this.boot = boot;
    this.deployment = deployment;
    this.table = table;
  }

  /** Opens the store and decides (durably) what this start runs. */
  public static GatewayOta open(
      GatewayConfig config, RuleTable table, HealthCounters health, Executor deployThread)
      throws IOException {
    Path folder = config.gateway().stateDir().resolve("ota");
    ImageStore store = ImageStore.open(folder);
    BootChoice boot = BootChoice.decide(store, MAX_TRIAL_BOOTS);
    boot.fallback().ifPresent(why -> log.warn("OTA: {}", why));
    return new GatewayOta(store, boot, new RuleDeployment(table, health, deployThread), table);
  }

  /**
   * Loads the active image's rules if there is one.
   *
   * @return false if there is none: the caller loads the config's rules
   */
  public boolean loadAtStart() {
    if (boot.image().isEmpty()) {
      return false;
    }
    var image = boot.image().get();
    if (!table.configured().isEmpty()) {
      log.info(
          "rules come from image {} in slot {}; the {} rules of the config are not loaded",
          image.id(),
          store.pointer().active(),
          table.configured().size());
    }
    deployment.loadAtStart(image);
    return true;
  }

  public ImageStore store() {
    return store;
  }

  /** What this start loaded, and whether it fell back from an image on trial. */
  public BootChoice boot() {
    return boot;
  }

  public DeployPort deployPort() {
    return deployment;
  }

  @Override
  public void close() {}
}
