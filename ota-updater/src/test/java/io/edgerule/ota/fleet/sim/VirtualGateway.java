package io.edgerule.ota.fleet.sim;

import io.edgerule.ota.device.BootChoice;
import io.edgerule.ota.device.DeviceUpdater;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.ImageStore;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.device.TrialPolicy;
import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.device.UpdateStatus;
import io.edgerule.ota.fleet.FleetTopics;
import io.edgerule.ota.fleet.RolloutFollower;
import io.edgerule.ota.image.GatewayVersion;
import io.edgerule.ota.trust.TrustRoot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One virtual gateway: the real device side of an update (an {@link ImageStore} in its own folder,
 * the {@link DeviceUpdater} with its trial and health gate, the {@link RolloutFollower} that reads
 * the rollout and the signed rollback switches and downloads images over MQTT), with a {@link
 * VirtualPort} in place of the daemon's rules. Only the MQTT connection is shared ({@link
 * SharedConnection}) and the thread ({@link SerialScheduler}).
 */
final class VirtualGateway implements AutoCloseable {
  static final GatewayVersion VERSION = GatewayVersion.parse("0.1.0");

  private final String id;
  private final VirtualPort port;
  private final ImageStore store;
  private final DeviceUpdater updater;
  private final RolloutFollower follower;
  private final ScheduledExecutorService exec;
  private final List<UpdateStatus> history = new CopyOnWriteArrayList<>();

  VirtualGateway(
      String id,
      Path dir,
      ImageId failing,
      MqttLink link,
      FleetTopics topics,
      TrustRoot root,
      TrialPolicy policy,
      ScheduledExecutorService exec,
      Clock clock)
      throws IOException {
    this.id = id;
    this.exec = exec;
    this.port = new VirtualPort(failing);
    this.store = ImageStore.open(dir.resolve("ota"));
    this.updater =
        new DeviceUpdater(
            store,
            port,
            s -> {
              history.add(s);
              link.publish(topics.status(id), s.toJson(), 1, true);
            },
            policy,
            exec,
            clock);
    this.follower =
        new RolloutFollower(
            new RolloutFollower.Settings(
                id, topics, dir.resolve("downloads"), VERSION, Duration.ofMinutes(10)),
            link,
            updater,
            () -> root,
            command ->
                updater.revert(
                    command.image().id(),
                    "rollback switch " + command.id() + ": " + command.reason()),
            exec,
            clock);
  }

  /** Starts the updater (as after loading its rules), then installs {@code baseline} if given. */
  CompletionStage<UpdateStatus> boot(byte[] baseline, TrustRoot root) {
    CompletionStage<UpdateStatus> started = updater.start(BootChoice.decide(store, 3));
    if (baseline == null) {
      return started;
    }
    return started.thenCompose(s -> updater.installFile(baseline, "baseline.rimg", root, VERSION));
  }

  /** Follows the fleet's rollout and rollback switches from now on. */
  CompletionStage<Void> follow() {
    return follower.start();
  }

  String id() {
    return id;
  }

  /** The image this gateway runs (null: the config's rules), as its deploy port last saw it. */
  ImageId deployed() {
    return port.deployed();
  }

  /** The image its store says is active (what it would load at a restart). */
  ImageId active() {
    io.edgerule.ota.device.Slot a = store.pointer().active();
    return a == null ? null : store.idOf(a).orElse(null);
  }

  UpdateStatus status() {
    return updater.status();
  }

  /** Every transition this gateway reported, in order. */
  List<UpdateStatus> history() {
    return List.copyOf(history);
  }

  /** True if it ever reported anything about {@code image}. */
  boolean touched(ImageId image) {
    return history.stream().anyMatch(s -> image.equals(s.image()));
  }

  /** True when no update or revert of it is under way. */
  boolean settled() {
    UpdateStatus s = updater.status();
    return s == null || s.state().isFinal();
  }

  boolean committedTo(ImageId image) {
    UpdateStatus s = updater.status();
    return s != null && s.state() == UpdateState.COMMITTED && image.equals(s.image());
  }

  @Override
  public void close() {
    follower.close();
    exec.shutdownNow();
  }
}
