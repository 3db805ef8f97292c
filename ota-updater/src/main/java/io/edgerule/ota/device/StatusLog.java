package io.edgerule.ota.device;

import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The updater's transitions: each is kept ({@code status.json}) and then published, with the image
 * the gateway runs now read from the store's active pointer.
 */
final class StatusLog {
  private static final Logger log = LoggerFactory.getLogger(StatusLog.class);

  private final ImageStore store;
  private final UpdateRecords records;
  private final StatusPublisher publisher;
  private final Clock clock;
  private volatile UpdateStatus last;

  StatusLog(ImageStore store, UpdateRecords records, StatusPublisher publisher, Clock clock) {
    this.store = store;
    this.records = records;
    this.publisher = publisher;
    this.clock = clock;
    this.last = records.readStatus();
  }

  /** The last transition (also one from before a restart); null if there never was an update. */
  UpdateStatus last() {
    return last;
  }

  /** Keeps and publishes a transition. */
  UpdateStatus report(ImageId image, UpdateState state, String detail) {
    UpdateStatus s = new UpdateStatus(image, state, detail, running(), Instant.now(clock));
    last = s;
    records.writeStatus(s);
    log.info("update {}: {} {}", image, state, detail);
    publish(s);
    return s;
  }

  /** Publishes without keeping (a refusal that must not replace the update in progress). */
  UpdateStatus publishOnly(ImageId image, UpdateState state, String detail) {
    UpdateStatus s = new UpdateStatus(image, state, detail, running(), Instant.now(clock));
    publish(s);
    return s;
  }

  /** Publishes the last transition again, with what runs now. */
  void republish() {
    UpdateStatus s = last;
    if (s != null) {
      publish(new UpdateStatus(s.image(), s.state(), s.detail(), running(), s.at()));
    }
  }

  /** The image the gateway runs now (null: the config's rules). */
  ImageId running() {
    Slot active = store.pointer().active();
    return active == null ? null : store.idOf(active).orElse(null);
  }

  String describeLast() {
    UpdateStatus s = last;
    return s == null ? "unknown" : s.image() + " " + s.state() + " " + s.detail();
  }

  private void publish(UpdateStatus s) {
    try {
      publisher.publish(s);
    } catch (RuntimeException e) {
      log.warn("update status not published: {}", e.toString());
    }
  }
}
