package io.edgerule.daemon.systemd;

import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sd_notify(3) of libsystemd through JNA: systemd's own code reads {@code NOTIFY_SOCKET} (a path or
 * an abstract socket) and writes the datagram, which Java 17 cannot do itself (no AF_UNIX datagram
 * sockets). Loaded only when {@code NOTIFY_SOCKET} is set, so commands run by hand never touch JNA.
 */
final class Libsystemd implements Notifier {
  private static final Logger log = LoggerFactory.getLogger(Libsystemd.class);

  static {
    // The versioned name: Debian's libsystemd0 has no unversioned libsystemd.so (that is in -dev).
    Native.register("libsystemd.so.0");
  }

  private Libsystemd() {}

  /** int sd_notify(int unset_environment, const char *state) */
  private static native int sd_notify(int unsetEnvironment, String state);

  /**
   * libsystemd's notifier.
   *
   * @throws LinkageError when libsystemd.so.0 or JNA's native part cannot be loaded
   */
  static Notifier load() {
    return new Libsystemd();
  }

  @Override
  public boolean send(String state) {
    int r = sd_notify(0, state);
    if (r < 0) {
      log.warn(
          "sd_notify({}) failed: errno {}", state.replace('\n', ' '), -r); // e.g. 111 ECONNREFUSED
    }
    return r > 0;
  }
}
