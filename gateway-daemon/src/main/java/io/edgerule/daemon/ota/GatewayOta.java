package io.edgerule.daemon.ota;

import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.ota.device.BootChoice;
import io.edgerule.ota.device.DeployPort;
import io.edgerule.ota.device.DeviceUpdater;
import io.edgerule.ota.device.HttpDownloads;
import io.edgerule.ota.device.ImageStore;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.device.StatusPublisher;
import io.edgerule.ota.device.TrialPolicy;
import io.edgerule.ota.fleet.FleetTopics;
import io.edgerule.ota.fleet.RolloutFollower;
import io.edgerule.ota.fleet.TrustRootFollower;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.TrustStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
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
  // HTTP(S) image downloads block this thread while they read (one download at a time)
  private final ExecutorService downloadThread;
  // the HTTP client's own I/O (it hands response bytes to the download thread)
  private final ExecutorService httpIo;
  private final DeviceUpdater updater;
  private final GatewayConfig config;
  private final Clock clock;
  private volatile RolloutFollower follower;
  private volatile TrustRootFollower trustFollower;

  private GatewayOta(
      ImageStore store,
      BootChoice boot,
      RuleDeployment deployment,
      RuleTable table,
      StatusPublisher publisher,
      GatewayConfig config,
      Clock clock) {
    this.config = config;
    this.clock = clock;
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
    this.downloadThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "edgerule-ota-http");
              t.setDaemon(true);
              return t;
            });
    this.httpIo =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "edgerule-ota-http-io");
              t.setDaemon(true);
              return t;
            });
    TrialPolicy policy = config.ota().trialPolicy();
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
    TrialPolicy policy = config.ota().trialPolicy();
    Path folder = config.gateway().stateDir().resolve("ota");
    ImageStore store = ImageStore.open(folder);
    BootChoice boot = BootChoice.decide(store, policy.maxTrialBoots());
    boot.fallback().ifPresent(why -> log.warn("OTA: {}", why));
    return new GatewayOta(
        store,
        boot,
        new RuleDeployment(table, health, deployThread, config.ota().selfTest()),
        table,
        publisher,
        config,
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

  /**
   * With {@code ota.enabled}: follows the fleet's rollouts and rollback switches through the
   * uplink's MQTT transport ({@link RolloutFollower}): an image for this gateway is downloaded,
   * verified against the trust root, tried and committed or rolled back; a verified switch returns
   * it to the image committed before ({@link SwitchHandling}). Follows the fleet's published trust
   * roots too ({@link TrustRootFollower}): a rotation it accepts is used for every later image and
   * switch. A rollout's URLs allowed by {@code ota.http} are fetched on the gateway's own download
   * thread ({@link HttpDownloadSetup}), before the MQTT chunks. Call after {@link #start()}. A
   * trust root that cannot be used is logged and the gateway runs on without following.
   */
  public void follow(Uplink uplink) {
    if (!config.ota().enabled()) {
      return;
    }
    if (uplink.transport().isEmpty()) {
      log.error("OTA: the uplink has no MQTT transport; rollouts are not followed");
      return;
    }
    TrustStore trust;
    try {
      trust =
          GatewayTrust.open(config.gateway().stateDir(), config.ota().trustRoot(), clock.instant());
    } catch (IOException | TrustException e) {
      log.error("OTA: rollouts are not followed: {}", e.getMessage());
      return;
    }
    String id = config.gateway().id();
    FleetTopics topics = new FleetTopics(config.mqtt().topicPrefix());
    MqttLink link = new UplinkLink(uplink, uplink.transport().get());
    SwitchHandling switches =
        new SwitchHandling(
            id,
            updater,
            new SwitchLedger(store.folder().resolve("switches.json")),
            report -> link.publish(rollbackReportTopic(topics, id), report, 1, true),
            clock);
    HttpDownloads http =
        HttpDownloadSetup.of(
            config.ota().http(), config.ota().chunkTimeout(), downloadThread, httpIo);
    if (!http.hosts().isEmpty() && http.client() == null) {
      log.error("OTA: no image is downloaded over HTTP(S): {}", http.unavailable());
    }
    RolloutFollower f =
        new RolloutFollower(
            new RolloutFollower.Settings(
                id,
                topics,
                store.folder().resolve("download"),
                GatewayBuild.version(),
                config.ota().downloadTimeout(),
                config.ota().maxImageSize().bytes(),
                config.ota().chunkTimeout()),
            link,
            updater,
            trust::current,
            switches,
            updaterThread,
            clock,
            http);
    follower = f;
    TrustRootFollower roots = new TrustRootFollower(id, topics, link, trust, updaterThread, clock);
    trustFollower = roots;
    roots
        .start()
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                log.warn("OTA: subscribing to the trust roots failed: {}", e.toString());
              }
            });
    f.start()
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                log.warn("OTA: subscribing to the rollouts failed: {}", e.toString());
              } else {
                log.info(
                    "OTA: following rollouts on {} (trust root v{})",
                    topics.rollout(),
                    trust.current().version());
              }
            });
  }

  /** Where the gateway reports the rollback switches it handled or refused (retained). */
  public static String rollbackReportTopic(FleetTopics topics, String gatewayId) {
    return topics.prefix() + "/" + gatewayId + "/ota/rollback";
  }

  /** The follower of the fleet's trust roots, once {@link #follow} runs. */
  public Optional<TrustRootFollower> trustFollower() {
    return Optional.ofNullable(trustFollower);
  }

  @Override
  public void close() {
    TrustRootFollower t = trustFollower;
    if (t != null) {
      try {
        t.close();
      } catch (RuntimeException e) {
        log.debug("OTA trust follower close: {}", e.toString());
      }
    }
    RolloutFollower f = follower;
    if (f != null) {
      try {
        f.close();
      } catch (RuntimeException e) {
        log.debug("OTA follower close: {}", e.toString());
      }
    }
    updaterThread.shutdownNow();
    downloadThread.shutdownNow();
    httpIo.shutdownNow();
  }
}
