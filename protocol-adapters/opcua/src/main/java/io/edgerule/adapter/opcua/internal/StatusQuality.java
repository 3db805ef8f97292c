package io.edgerule.adapter.opcua.internal;

import io.edgerule.adapter.Quality;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/**
 * OPC-UA status codes as gateway quality: the severity bits choose GOOD, UNCERTAIN or BAD and the
 * symbolic name (e.g. {@code Bad_SensorFailure}, {@code Uncertain_LastUsableValue}) is the reason.
 * Plain Good is {@link Quality#GOOD}; a Good sub-code such as {@code Good_LocalOverride} stays GOOD
 * but keeps its name.
 */
public final class StatusQuality {
  private StatusQuality() {}

  public static Quality of(StatusCode status) {
    long code = status.value();
    long withoutInfo = code & 0xFFFF0000L;
    if (status.isGood()) {
      return withoutInfo == 0 ? Quality.GOOD : new Quality(Quality.Status.GOOD, name(code));
    }
    if (status.isUncertain()) {
      return Quality.uncertain(name(code));
    }
    return Quality.bad(name(code));
  }

  private static String name(long code) {
    return Errors.statusName(code);
  }
}
