package io.edgerule.daemon.cli;

import io.edgerule.daemon.Gateway;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP handled from the program's first moment. Without a handler the JVM stops on SIGHUP, so a
 * {@code systemctl reload} while the gateway was still starting (the rule engine's warm-up takes
 * seconds on a busy board) used to end the program; now a hang-up before the gateway runs is kept
 * and applied as one reload as soon as it does.
 */
final class HangupReload {
  private static final Logger log = LoggerFactory.getLogger(HangupReload.class);

  private final AtomicReference<Gateway> gateway = new AtomicReference<>();
  private final AtomicBoolean pending = new AtomicBoolean();

  /** Installs the handler; call before the gateway starts. */
  static HangupReload install() {
    HangupReload h = new HangupReload();
    if (!Signals.onHangup(h::hangup)) {
      log.warn(
          "SIGHUP is ignored in this process (started with nohup?): it will not reload the config;"
              + " a change of the file and the MQTT reload command still do");
    }
    return h;
  }

  private void hangup() {
    Gateway g = gateway.get();
    if (g != null) {
      g.reload();
      return;
    }
    pending.set(true);
    // the gateway may have become running between the read above and the flag
    g = gateway.get();
    if (g != null && pending.getAndSet(false)) {
      g.reload();
    }
  }

  /** The gateway runs and can reload: applies a hang-up that came before. */
  void running(Gateway g) {
    gateway.set(g);
    if (pending.getAndSet(false)) {
      g.reload();
    }
  }
}
