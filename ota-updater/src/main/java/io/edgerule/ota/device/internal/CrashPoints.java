package io.edgerule.ota.device.internal;

/**
 * Hook called at every step of a durable write (before and after each write, fsync and rename), so
 * the power-loss test can halt the JVM at each of them in turn. Production code passes {@link
 * #NONE}.
 */
@FunctionalInterface
public interface CrashPoints {
  CrashPoints NONE = label -> {};

  /**
   * Called when an install reaches the step named {@code label} (for example {@code "fsync
   * active.json.tmp"}).
   */
  void reached(String label);
}
