package io.edgerule.daemon.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.edgerule.adapter.DurationText;
import io.edgerule.mqtt.outbox.FlushPolicy;
import java.time.Duration;

/**
 * When the outbox commits to disk ({@code outbox.flush:}): {@code every_message} (each message is
 * on disk before the gateway goes on; bounded by the disk's fsync rate) or {@code {every: 100ms}}
 * (a commit per interval; a crash or power loss loses at most the last interval's messages).
 *
 * @param every the interval; null for every_message
 */
public record FlushSetting(Duration every) {
  public static final FlushSetting DEFAULT = new FlushSetting(Duration.ofMillis(100));

  public FlushSetting {
    if (every != null
        && (every.compareTo(Duration.ofMillis(1)) < 0
            || every.compareTo(Duration.ofMinutes(1)) > 0)) {
      throw new IllegalArgumentException(
          "every: must be 1ms..1m, got " + DurationText.format(every));
    }
  }

  /** The scalar form: only {@code every_message}. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static FlushSetting of(String text) {
    if ("every_message".equals(text.trim())) {
      return new FlushSetting(null);
    }
    throw new IllegalArgumentException(
        "must be every_message or {every: <duration>} (e.g. {every: 100ms}), got '"
            + (text.length() > 80 ? text.substring(0, 80) + "..." : text)
            + "'");
  }

  public FlushPolicy policy() {
    return every == null ? FlushPolicy.everyMessage() : FlushPolicy.every(every);
  }

  @Override
  public String toString() {
    return every == null ? "every_message" : "every " + DurationText.format(every);
  }
}
