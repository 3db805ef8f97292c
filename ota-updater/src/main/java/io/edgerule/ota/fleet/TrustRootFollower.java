package io.edgerule.ota.fleet;

import io.edgerule.mqtt.InboundMessage;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.trust.PublishedRoots;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.TrustRoot;
import io.edgerule.ota.trust.TrustStore;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Over-the-air trust-root delivery on the gateway: follows the chain of signed roots the fleet
 * keeps retained on {@code <prefix>/fleet/trust} ({@link PublishedRoots}) and moves the gateway's
 * {@link TrustStore} along it. The roots newer than the one trusted must follow it step by step
 * ({@link io.edgerule.ota.trust.RootChain}: the next version, signed by a threshold of the old
 * root's keys and of its own, revocations kept, the newest unexpired); the store then keeps the
 * newest durably, and every later verification (images, rollback switches) uses it. A chain is
 * taken whole or not at all: a refused one changes nothing.
 *
 * <p>What the gateway trusts, and what it made of the last chain, is reported retained on {@code
 * <prefix>/<gateway>/ota/trust} ({@link TrustReport}): at start, after a rotation, after a refusal
 * (the reason, and what and where). Idempotent: a chain with nothing newer (the retained message
 * sent again after every reconnect) changes nothing and is not reported; a message seen already
 * (byte for byte) is not even read again, so a refused chain is reported once.
 *
 * <p>All state is touched on the lent executor (serial); the MQTT callback only hands over.
 */
public final class TrustRootFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrustRootFollower.class);

  /** What the follower has done since it started (for status and tests). */
  public record Counts(
      long received, long ignored, long rotated, long refused, long failed, long reports) {}

  private final String gatewayId;
  private final FleetTopics topics;
  private final MqttLink mqtt;
  private final TrustStore store;
  private final Executor exec;
  private final Clock clock;

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong ignored = new AtomicLong();
  private final AtomicLong rotated = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong reports = new AtomicLong();

  // touched on exec only
  private String handled; // SHA-256 of the last message read to the end
  private TrustReport reported;
  private boolean closed;

  /**
   * @param exec a serial executor the follower runs on (the gateway's OTA thread: a rotation's
   *     fsync runs there)
   */
  public TrustRootFollower(
      String gatewayId,
      FleetTopics topics,
      MqttLink mqtt,
      TrustStore store,
      Executor exec,
      Clock clock) {
    Ids.check("gateway id", gatewayId);
    this.gatewayId = gatewayId;
    this.topics = Objects.requireNonNull(topics, "topics");
    this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
    this.store = Objects.requireNonNull(store, "store");
    this.exec = Objects.requireNonNull(exec, "exec");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Reports the root trusted now, then subscribes to the published chain (the transport restores
   * the subscription after every reconnect). Completes on the broker's SUBACK.
   */
  public CompletionStage<Void> start() {
    exec.execute(
        () ->
            report(
                TrustReport.Result.TRUSTED,
                null,
                0,
                "root v" + store.current().version() + " kept in " + store.file()));
    return mqtt.subscribe(topics.trust(), 1, this::onMessage);
  }

  /** The root trusted now. */
  public TrustRoot current() {
    return store.current();
  }

  public Counts counts() {
    return new Counts(
        received.get(), ignored.get(), rotated.get(), refused.get(), failed.get(), reports.get());
  }

  @Override
  public void close() {
    mqtt.unsubscribe(topics.trust());
    exec.execute(() -> closed = true);
  }

  private void onMessage(InboundMessage m) {
    byte[] payload = m.payload();
    exec.execute(() -> arrived(payload, m.topic()));
  }

  private void arrived(byte[] payload, String topic) {
    if (closed) {
      return;
    }
    received.incrementAndGet();
    String digest = sha256(payload);
    if (payload.length == 0 || digest.equals(handled)) {
      ignored.incrementAndGet(); // cleared (the gateway keeps its root), or seen already
      return;
    }
    TrustRoot before = store.current();
    PublishedRoots chain;
    try {
      chain = PublishedRoots.read(payload, topic);
    } catch (TrustException e) {
      handled = digest;
      refuse(e, 0);
      return;
    }
    long offered = chain.last().map(TrustRoot::version).orElse(0L);
    List<TrustRoot> newer = chain.after(before.version());
    if (newer.isEmpty()) {
      handled = digest;
      ignored.incrementAndGet();
      log.debug(
          "trust roots {} on {}: nothing newer than v{}",
          chain.describe(),
          topic,
          before.version());
      if (reported != null && !isGood(reported.result())) {
        report(
            TrustReport.Result.TRUSTED,
            null,
            offered,
            topic + ": " + chain.describe() + " holds nothing newer than v" + before.version());
      }
      return;
    }
    try {
      TrustRoot now =
          store.update(newer.stream().map(TrustRoot::envelope).toList(), clock.instant());
      handled = digest;
      rotated.incrementAndGet();
      int steps = newer.size();
      log.info(
          "trust root v{} -> v{} from {} ({} rotation(s)); kept in {}",
          before.version(),
          now.version(),
          topic,
          steps,
          store.file());
      report(
          TrustReport.Result.ROTATED,
          null,
          offered,
          topic
              + ": root v"
              + before.version()
              + " -> v"
              + now.version()
              + (steps > 1 ? " (" + steps + " rotations)" : ""));
    } catch (TrustException e) {
      handled = digest;
      refuse(e, offered);
    } catch (IOException | RuntimeException e) {
      handled = null; // the same message again tries again
      failed.incrementAndGet();
      log.error(
          "trust roots on {} follow v{} but cannot be kept: {}",
          topic,
          before.version(),
          e.toString());
      report(
          TrustReport.Result.FAILED,
          null,
          offered,
          topic + ": the chain follows but the new root cannot be kept (" + e + ")");
    }
  }

  private void refuse(TrustException e, long offered) {
    refused.incrementAndGet();
    log.warn(
        "trust roots on {} refused ({}): {}; still trusting root v{}",
        topics.trust(),
        e.reason(),
        e.getMessage(),
        store.current().version());
    report(TrustReport.Result.REFUSED, e.reason(), offered, topics.trust() + ": " + e.getMessage());
  }

  private static boolean isGood(TrustReport.Result r) {
    return r == TrustReport.Result.TRUSTED || r == TrustReport.Result.ROTATED;
  }

  private void report(
      TrustReport.Result result, TrustException.Reason reason, long offered, String detail) {
    TrustRoot root = store.current();
    TrustReport r =
        new TrustReport(
            gatewayId,
            root.version(),
            root.expires(),
            result,
            reason,
            offered,
            detail,
            clock.instant());
    if (r.sameAs(reported)) {
      return;
    }
    reported = r;
    reports.incrementAndGet();
    mqtt.publish(topics.trustReport(gatewayId), r.toJson(), 1, true)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                log.debug("trust report not published: {}", e.toString());
              }
            });
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
