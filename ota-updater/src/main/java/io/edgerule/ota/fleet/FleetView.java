package io.edgerule.ota.fleet;

import io.edgerule.ota.device.UpdateStatus;
import io.edgerule.ota.trust.internal.Doc;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the controller knows of each gateway: its latest OTA status, follow report and trust report,
 * from the retained {@code <prefix>/+/ota/status}, {@code <prefix>/+/ota/follow} and {@code
 * <prefix>/+/ota/trust}. Idempotent: a message older than the one kept (by its own time) or equal
 * to it changes nothing, so duplicates, messages out of order and the retained copies sent again
 * after a reconnect are harmless. Thread-safe.
 */
public final class FleetView {
  private static final Logger log = LoggerFactory.getLogger(FleetView.class);

  /** One gateway: its last status, follow report and trust report (any may be null). */
  public record Gateway(String id, UpdateStatus status, FollowReport follow, TrustReport trust) {}

  private final FleetTopics topics;
  private final Map<String, Gateway> gateways = new ConcurrentHashMap<>();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong ignored = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  public FleetView(FleetTopics topics) {
    this.topics = topics;
  }

  /**
   * Takes one message from a gateway's status, follow or trust topic.
   *
   * @return true if it changed what is known
   */
  public boolean accept(String topic, byte[] payload) {
    received.incrementAndGet();
    String gw = topics.gatewayOf(topic);
    if (gw == null || payload.length == 0 || !Ids.valid(gw)) {
      ignored.incrementAndGet();
      return false;
    }
    try {
      if (topic.equals(topics.status(gw))) {
        UpdateStatus s = UpdateStatus.fromJson(payload);
        return merge(gw, s, null, null);
      } else if (topic.equals(topics.follow(gw))) {
        FollowReport f = FollowReport.fromJson(payload, topic);
        if (!f.gateway().equals(gw)) {
          throw new IOException(topic + ": report of gateway '" + f.gateway() + "'");
        }
        return merge(gw, null, f, null);
      } else if (topic.equals(topics.trustReport(gw))) {
        TrustReport t = TrustReport.fromJson(payload, topic);
        if (!t.gateway().equals(gw)) {
          throw new IOException(topic + ": report of gateway '" + t.gateway() + "'");
        }
        return merge(gw, null, null, t);
      }
    } catch (IOException | Doc.Invalid | RuntimeException e) {
      refused.incrementAndGet();
      log.warn("fleet message refused: {}: {}", topic, e.getMessage());
      return false;
    }
    ignored.incrementAndGet();
    return false;
  }

  private boolean merge(String gw, UpdateStatus s, FollowReport f, TrustReport t) {
    boolean[] changed = {false};
    gateways.compute(
        gw,
        (k, old) -> {
          UpdateStatus status = old == null ? null : old.status();
          FollowReport follow = old == null ? null : old.follow();
          TrustReport trust = old == null ? null : old.trust();
          if (s != null && (status == null || newer(s, status))) {
            status = s;
            changed[0] = true;
          }
          if (f != null && (follow == null || f.time().isAfter(follow.time()))) {
            follow = f;
            changed[0] = true;
          }
          if (t != null && (trust == null || t.time().isAfter(trust.time()))) {
            trust = t;
            changed[0] = true;
          }
          return new Gateway(k, status, follow, trust);
        });
    if (!changed[0]) {
      ignored.incrementAndGet();
    }
    return changed[0];
  }

  /**
   * Later by time; at the same instant (transitions can follow each other within a clock tick) the
   * one further along (a final state after TRIAL after STAGED after DOWNLOADING).
   */
  private static boolean newer(UpdateStatus s, UpdateStatus old) {
    int c = s.at().compareTo(old.at());
    return c > 0 || (c == 0 && s.state().ordinal() > old.state().ordinal());
  }

  /** Every gateway known, by id. */
  public Map<String, Gateway> gateways() {
    return new TreeMap<>(gateways);
  }

  public int size() {
    return gateways.size();
  }

  /** Messages taken, ignored (duplicates, older than what is kept, other topics), refused. */
  public String counts() {
    return received.get()
        + " messages, "
        + ignored.get()
        + " changed nothing, "
        + refused.get()
        + " refused";
  }

  public long received() {
    return received.get();
  }
}
