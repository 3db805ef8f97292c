package io.edgerule.sandbox;

import io.edgerule.sandbox.internal.StateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where rules' persistent state ({@code gw.state_put}) lives between restarts. The engine saves a
 * rule's state on the rule's thread after a call that changed it returned normally and before its
 * actions are handed out; a failed save fails the call (nothing committed).
 */
public interface RuleStateStore {
  /**
   * The saved state of a rule, or an empty map.
   *
   * @throws IOException if it exists but cannot be read or is damaged
   */
  Map<String, byte[]> load(String rule) throws IOException;

  /** Replaces the saved state of a rule, atomically. */
  void save(String rule, Map<String, byte[]> state) throws IOException;

  /** Keeps state in memory only (tests, {@code rule test}, shadow candidates). */
  static RuleStateStore inMemory() {
    Map<String, Map<String, byte[]>> saved = new ConcurrentHashMap<>();
    return new RuleStateStore() {
      @Override
      public Map<String, byte[]> load(String rule) {
        return saved.getOrDefault(rule, Map.of());
      }

      @Override
      public void save(String rule, Map<String, byte[]> state) {
        saved.put(rule, Map.copyOf(state));
      }
    };
  }

  /**
   * Files {@code <stateDir>/rules/<rule>/state.bin}, written atomically (temp file, fsync, rename,
   * fsync of the folder) with a CRC-32 so a damaged file is detected rather than half-read.
   */
  static RuleStateStore directory(Path stateDir) {
    return new StateFiles(stateDir);
  }
}
