package io.edgerule.daemon.namespace;

import java.time.Instant;

/**
 * A rule raised or cleared one of its alarms.
 *
 * @param severity and {@code message} only mean something while {@code active}
 */
public record AlarmChange(
    String rule, String alarm, boolean active, int severity, String message, Instant time) {

  public static AlarmChange raised(
      String rule, String alarm, int severity, String message, Instant time) {
    return new AlarmChange(rule, alarm, true, severity, message, time);
  }

  public static AlarmChange cleared(String rule, String alarm, Instant time) {
    return new AlarmChange(rule, alarm, false, 0, "", time);
  }
}
