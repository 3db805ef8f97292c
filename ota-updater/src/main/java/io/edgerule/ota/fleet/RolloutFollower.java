package io.edgerule.ota.fleet;

import io.edgerule.mqtt.InboundMessage;
import io.edgerule.ota.device.DeviceUpdater;
import io.edgerule.ota.device.HttpDownloads;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.device.UpdateStatus;
import io.edgerule.ota.image.GatewayVersion;
import io.edgerule.ota.image.ImageLimits;
import io.edgerule.ota.trust.TrustRoot;
import io.edgerule.ota.trust.internal.Doc;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of a fleet rollout: follows the retained rollout document and the signed
 * rollback switches, and drives the {@link DeviceUpdater}: when the gateway is in a wave of a
 * running rollout it has the image downloaded, verified and installed ({@link RolloutInstaller};
 * trial, commit or rollback are the updater's job, reported on {@code …/ota/status}); when a
 * verified switch covers it, it stops following that rollout and returns to the image it committed
 * before ({@link Revert}, done by the device side).
 *
 * <p>Idempotent: every message (duplicate, out of order, retained again after a reconnect) only
 * updates what the follower knows, then the same decision is taken from it. A rollout document of
 * the same rollout whose revision is not above the last one seen is ignored; an image the gateway
 * runs, is trying, or has tried (committed, rolled back, rejected) is never installed again by the
 * same rollout; one download or install at a time; each switch is acted on once per process start.
 * All state is touched on the lent executor only (serial); MQTT callbacks just hand over. What it
 * makes of the rollout is published by its {@link FollowReporter}.
 */
public final class RolloutFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RolloutFollower.class);

  /**
   * Returns the gateway to the image it committed before {@code command.image()} (the device side
   * executes the switch; implemented with the {@link DeviceUpdater}). Must not block; completes
   * with the status reported.
   */
  @FunctionalInterface
  public interface Revert {
    CompletionStage<UpdateStatus> revert(RollbackSwitch command);

    /**
     * A switch published on {@code topic} was refused and changes nothing ({@code why}: the reason
     * and the verifier's message); for the gateway's report. Must not block.
     */
    default void refused(String topic, String why) {}
  }

  /**
   * @param gatewayId this gateway's id (as in its topics)
   * @param topics the fleet's topics under the MQTT topic prefix
   * @param downloads where partial downloads are kept (resumable across restarts)
   * @param version this gateway's version, for the image's compatibility check
   * @param downloadTimeout a download not complete after this is given up (REJECTED)
   * @param maxImageBytes an image the rollout says is larger is REJECTED without downloading it
   * @param chunkTimeout how long a source may bring no new chunk: over MQTT the chunks are then
   *     asked for again, over HTTP(S) the connection is broken off (five in a row that bring
   *     nothing give the URL up); a stall never gives up the MQTT download, the download timeout
   *     does
   */
  public record Settings(
      String gatewayId,
      FleetTopics topics,
      Path downloads,
      GatewayVersion version,
      Duration downloadTimeout,
      long maxImageBytes,
      Duration chunkTimeout) {
    /**
     * Settings with the verifier's own cap on the image size and no stall check before the download
     * timeout.
     */
    public Settings(
        String gatewayId,
        FleetTopics topics,
        Path downloads,
        GatewayVersion version,
        Duration downloadTimeout) {
      this(
          gatewayId,
          topics,
          downloads,
          version,
          downloadTimeout,
          ImageLimits.defaults().maxImageBytes(),
          downloadTimeout);
    }

    public Settings {
      Ids.check("gateway id", gatewayId);
      Objects.requireNonNull(topics, "topics");
      Objects.requireNonNull(downloads, "downloads");
      Objects.requireNonNull(version, "version");
      if (downloadTimeout == null || downloadTimeout.isNegative() || downloadTimeout.isZero()) {
        throw new IllegalArgumentException("download timeout must be > 0");
      }
      if (maxImageBytes <= 0) {
        throw new IllegalArgumentException("max image bytes must be > 0");
      }
      if (chunkTimeout == null || chunkTimeout.isNegative() || chunkTimeout.isZero()) {
        throw new IllegalArgumentException("chunk timeout must be > 0");
      }
    }
  }

  private final Settings settings;
  private final MqttLink mqtt;
  private final DeviceUpdater updater;
  private final Revert revert;
  private final Executor exec;
  private final RolloutInstaller installer;
  private final FollowReporter reporter;
  private final SwitchesSeen switches;

  // touched on exec only
  private Rollout rollout;
  // how each image (by SHA-256) this process tried to install ended
  private final Map<String, UpdateStatus> tried = new HashMap<>();
  private boolean installing;
  private boolean reverting;
  private boolean closed;

  /** A follower that downloads over MQTT only (no URL of a rollout is fetched). */
  public RolloutFollower(
      Settings settings,
      MqttLink mqtt,
      DeviceUpdater updater,
      Supplier<TrustRoot> trust,
      Revert revert,
      Executor exec,
      Clock clock) {
    this(settings, mqtt, updater, trust, revert, exec, clock, HttpDownloads.NONE);
  }

  /**
   * @param exec runs everything the follower decides (serial); MQTT callbacks only hand over to it
   * @param http which of a rollout's URLs may be fetched, and the executor the fetch blocks
   */
  public RolloutFollower(
      Settings settings,
      MqttLink mqtt,
      DeviceUpdater updater,
      Supplier<TrustRoot> trust,
      Revert revert,
      Executor exec,
      Clock clock,
      HttpDownloads http) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
    this.updater = Objects.requireNonNull(updater, "updater");
    Objects.requireNonNull(trust, "trust");
    this.revert = Objects.requireNonNull(revert, "revert");
    this.exec = Objects.requireNonNull(exec, "exec");
    Objects.requireNonNull(clock, "clock");
    this.installer =
        new RolloutInstaller(
            settings, mqtt, updater, trust, exec, Objects.requireNonNull(http, "http"));
    this.switches = new SwitchesSeen(settings.gatewayId(), trust, revert, clock);
    this.reporter =
        new FollowReporter(settings.gatewayId(), settings.topics(), mqtt, updater, clock);
  }

  /**
   * Subscribes to the rollout and the rollback switches (the transport restores them after every
   * reconnect; the broker sends the retained documents again, which changes nothing). Call after
   * {@link DeviceUpdater#start}. Completes on the broker's SUBACKs.
   */
  public CompletionStage<Void> start() {
    FleetTopics t = settings.topics();
    CompletionStage<Void> a = mqtt.subscribe(t.rollbackFilter(), 1, this::onSwitchMessage);
    CompletionStage<Void> b = mqtt.subscribe(t.rollout(), 1, this::onRolloutMessage);
    return a.thenCombine(b, (x, y) -> null);
  }

  @Override
  public void close() {
    mqtt.unsubscribe(settings.topics().rollout());
    mqtt.unsubscribe(settings.topics().rollbackFilter());
    exec.execute(() -> closed = true);
  }

  private void onRolloutMessage(InboundMessage m) {
    byte[] payload = m.payload();
    exec.execute(() -> rolloutArrived(payload, m.topic()));
  }

  private void onSwitchMessage(InboundMessage m) {
    byte[] payload = m.payload();
    exec.execute(() -> switchArrived(payload, m.topic()));
  }

  private void rolloutArrived(byte[] payload, String topic) {
    if (closed) {
      return;
    }
    if (payload.length == 0) {
      rollout = null; // the retained rollout was cleared
      decide();
      return;
    }
    Rollout r;
    try {
      r = RolloutJson.read(payload, topic);
    } catch (Doc.Invalid e) {
      log.warn("rollout document ignored: {}", e.getMessage());
      return;
    }
    if (rollout != null && rollout.id().equals(r.id()) && r.revision() <= rollout.revision()) {
      return; // a duplicate or an older revision arriving late
    }
    rollout = r;
    decide();
  }

  private void switchArrived(byte[] payload, String topic) {
    if (!closed && switches.arrived(payload, topic)) {
      decide();
    }
  }

  /** Takes the decision from what is known now; the same facts give the same decision. */
  private void decide() {
    if (closed) {
      return;
    }
    UpdateStatus last = updater.status();
    RollbackSwitch s = switches.toActOn(rollout, last);
    if (s != null && !installing && !reverting) { // else decided again when that ends
      switches.actingOn(s);
      reverting = true;
      log.info("rollback switch {}: returning from {} ({})", s.id(), s.image(), s.reason());
      revert
          .revert(s)
          .whenCompleteAsync(
              (st, e) -> {
                reverting = false;
                if (e != null) {
                  log.warn("rollback switch {} failed: {}", s.id(), cause(e));
                }
                decide();
              },
              exec);
      report(null, "returning to the previous image: rollback switch " + s.id());
      return;
    }
    if (rollout == null) {
      report(null, "no rollout");
      return;
    }
    RolloutTarget t = RolloutTarget.forGateway(rollout, settings.gatewayId());
    RollbackSwitch halt = switches.haltedBy(rollout);
    if (halt != null) {
      report(t, "halted by rollback switch " + halt.id());
      return;
    }
    if (!t.install()) {
      report(t, t.why());
      return;
    }
    ImageId img = rollout.image().id();
    UpdateStatus mine = tried.get(rollout.image().sha256());
    // a download this process is not running: one cut short by a restart
    boolean cutShort = !installing && last != null && last.state() == UpdateState.DOWNLOADING;
    if (installing || reverting) {
      report(t, installing ? "installing" : "returning to the previous image");
    } else if (last != null && img.equals(last.running())) {
      report(t, "running it");
    } else if (cutShort && mine == null) {
      install(rollout); // from the part file: the chunks held are not fetched again
      report(t, "installing");
    } else if (last != null && img.equals(last.image())) {
      report(
          t,
          last.state().isFinal()
              ? "tried: " + last.state() + " " + last.detail()
              : "updating: " + last.state());
    } else if (mine != null) {
      report(t, "tried: " + mine.state() + " " + mine.detail());
    } else if (last != null && !last.state().isFinal()) {
      report(t, "waiting: another update is in progress (" + last.image() + ")");
    } else {
      install(rollout);
      report(t, "installing");
    }
  }

  private void install(Rollout r) {
    installing = true;
    RolloutImage image = r.image();
    installer.install(image).whenCompleteAsync((how, e) -> finishInstall(image, how), exec);
  }

  private void finishInstall(RolloutImage image, UpdateStatus how) {
    installing = false;
    if (how != null) {
      tried.put(image.sha256(), how);
    }
    decide();
  }

  private void report(RolloutTarget t, String detail) {
    reporter.report(
        rollout, t, detail, rollout == null ? null : tried.get(rollout.image().sha256()));
  }

  /** The message of {@code e}, unwrapped from a CompletionException. */
  static String cause(Throwable e) {
    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }
}
