package io.edgerule.daemon.ota;

import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.ota.device.BootChoice;
import io.edgerule.ota.device.DeployPort;
import io.edgerule.ota.device.DeviceUpdater;
import io.edgerule.ota.device.ImageStore;
import io.edgerule.ota.device.StatusPublisher;
import io.edgerule.ota.device.TrialPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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

  private final ImageStore store;
  private final BootChoice boot;
  private final RuleDeployment deployment;
  private final RuleTable table;

  private final ScheduledExecutorService updaterThread;
  private final DeviceUpdater updater;

  private GatewayOta(
      ImageStore store,
      BootChoice boot,
      RuleDeployment deployment,
      RuleTable table,
      StatusPublisher publisher,
      TrialPolicy policy,
      Clock clock) {
    this.store = store;
    this.boot = boot;
    this.deployment = deployment;
    this.table = table;
    this.updaterThread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "edgerule-ota");
              t.setDaemon(true);
              return t;
            });
    this.updater = new DeviceUpdater(store, deployment, publisher, policy, updaterThread, clock);
  }

  /** Opens the store and decides (durably) what this start runs. */
  public static GatewayOta open(
      GatewayConfig config,
      RuleTable table,
      HealthCounters health,
      Executor deployThread,
      StatusPublisher publisher,
      Clock clock)
      throws IOException {
    TrialPolicy policy = TrialPolicy.DEFAULTS;
    Path folder = config.gateway().stateDir().resolve("ota");
    ImageStore store = ImageStore.open(folder);
    BootChoice boot = BootChoice.decide(store, policy.maxTrialBoots());
    boot.fallback().ifPresent(why -> log.warn("OTA: {}", why));
    return new GatewayOta(
        store,
        boot,
        new RuleDeployment(table, health, deployThread),
        table,
        publisher,
        policy,
        clock);
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

  /**
   * Call once the rules are loaded: reports a fallback made at this start, resumes a live trial, or
   * publishes the last update status again.
   */
  public void start() {
    updater.start(boot);
  }

  /** Installs images: stage, trial, commit or roll back. */
  public DeviceUpdater updater() {
    return updater;
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
  public void close() {
    updaterThread.shutdownNow();
  }
}
