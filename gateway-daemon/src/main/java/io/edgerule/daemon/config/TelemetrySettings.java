package io.edgerule.daemon.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.edgerule.adapter.DurationText;
import java.time.Duration;
import java.util.Locale;

/**
 * How a device's point events go out as telemetry: {@code mqtt.telemetry} and {@code
 * mqtt.telemetry_window} for the gateway, overridable per device ({@code telemetry:} and {@code
 * telemetry_window:} in a device's entry).
 *
 * @param window in {@link Mode#BATCH}, the longest an event waits for its batch to go out
 */
public record TelemetrySettings(Mode mode, Duration window) {
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(1);
  static final Duration MIN_WINDOW = Duration.ofMillis(10);
  static final Duration MAX_WINDOW = Duration.ofHours(1);

  public static final TelemetrySettings DEFAULTS = new TelemetrySettings(Mode.PER_POINT, null);

  public TelemetrySettings {
    mode = mode == null ? Mode.PER_POINT : mode;
    window = window == null ? DEFAULT_WINDOW : window;
    checkWindow("telemetry_window", window);
  }

  static void checkWindow(String field, Duration window) {
    if (window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException(
          field + ": must be 10ms..1h, got " + DurationText.format(window));
    }
  }

  /** What {@code telemetry:} says. */
  public enum Mode {
    /** No telemetry ({@code false}). */
    OFF,
    /** One message per point event ({@code per_point}, or {@code true}: the default). */
    PER_POINT,
    /** One message per device and read cycle, or per window ({@code batch}). */
    BATCH;

    /**
     * From the YAML value: {@code per_point}, {@code batch}, or the booleans of the earlier on/off
     * setting ({@code true} = per_point, {@code false} = off).
     */
    @JsonCreator
    public static Mode of(Object value) {
      if (value instanceof Boolean b) {
        return b ? PER_POINT : OFF;
      }
      if (value instanceof String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
          case "per_point":
            return PER_POINT;
          case "batch":
            return BATCH;
          case "off":
          case "false":
            return OFF;
          case "true":
            return PER_POINT;
          default:
            break;
        }
      }
      throw new IllegalArgumentException(
          "'" + value + "' is not one of per_point, batch, off (or true = per_point, false = off)");
    }

    @JsonValue
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
