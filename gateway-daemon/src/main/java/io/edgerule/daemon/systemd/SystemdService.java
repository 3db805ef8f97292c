package io.edgerule.daemon.systemd;

import io.edgerule.daemon.Liveness;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as a systemd {@code Type=notify} service: {@code READY=1} once it runs, {@code
 * WATCHDOG=1} while its pipeline turns ({@link Liveness}), {@code STOPPING=1} when it shuts down.
 * Outside systemd (no {@code NOTIFY_SOCKET}) it does nothing.
 *
 * <p>The watchdog thread pings every half {@code WatchdogSec} (as sd_watchdog_enabled(3) advises),
 * but only while the dispatcher and the scheduler have turned within that half (at least {@value
 * #MIN_SILENCE_MILLIS} ms, three scheduler probes): a gateway whose pipeline hangs stops pinging
 * and systemd restarts it, while a timer that pinged on its own would keep a dead gateway
 * "running".
 */
public final class SystemdService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SystemdService.class);
  static final long MIN_SILENCE_MILLIS = 3 * Liveness.SCHEDULER_PROBE_MILLIS;

  private final Notifier notifier;
  private final Liveness liveness;
  private final long watchdogMicros;
  private final ScheduledExecutorService thread;
  private boolean reportedStuck; // only on the watchdog thread

  SystemdService(Notifier notifier, Liveness liveness, long watchdogMicros) {
    this.notifier = notifier;
    this.liveness = liveness;
    this.watchdogMicros = watchdogMicros;
    this.thread =
        watchdogMicros > 0
            ? Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "edgerule-systemd-watchdog");
                  t.setDaemon(true);
                  return t;
                })
            : null;
  }

  /**
   * From the environment systemd gives a service: {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC} and
   * {@code WATCHDOG_PID} (the watchdog is ours only if that is our pid, or unset).
   *
   * @throws IllegalStateException when systemd waits for notifications but libsystemd cannot be
   *     loaded (systemd would otherwise time the start out with no reason given)
   */
  public static SystemdService fromEnvironment(Map<String, String> env, Liveness liveness) {
    String socket = env.get("NOTIFY_SOCKET");
    if (socket == null || socket.isEmpty()) {
      return new SystemdService(Notifier.NONE, liveness, 0);
    }
    Notifier notifier;
    try {
      notifier = Libsystemd.load();
    } catch (LinkageError e) {
      throw new IllegalStateException(
          "NOTIFY_SOCKET is set but libsystemd.so.0 cannot be called to notify systemd: " + e, e);
    }
    return new SystemdService(
        notifier, liveness, watchdogMicros(env, ProcessHandle.current().pid()));
  }

  /** WATCHDOG_USEC when the watchdog is meant for {@code pid}, else 0 (off). */
  static long watchdogMicros(Map<String, String> env, long pid) {
    String usec = env.get("WATCHDOG_USEC");
    if (usec == null) {
      return 0;
    }
    String forPid = env.get("WATCHDOG_PID");
    try {
      if (forPid != null && Long.parseLong(forPid.trim()) != pid) {
        return 0;
      }
      long micros = Long.parseLong(usec.trim());
      return Math.max(0, micros);
    } catch (NumberFormatException e) {
      log.warn("ignoring WATCHDOG_USEC={} WATCHDOG_PID={}: not numbers", usec, forPid);
      return 0;
    }
  }

  /** Tells systemd the service is up ({@code READY=1}) and starts the watchdog pings. */
  public void ready(String status) {
    notifier.send("READY=1\nSTATUS=" + oneLine(status));
    if (thread != null) {
      long every = Math.max(1, watchdogMicros / 2);
      thread.scheduleAtFixedRate(this::pingIfAlive, 0, every, TimeUnit.MICROSECONDS);
      log.info("systemd watchdog: pinging every {} ms while the pipeline turns", every / 1000);
    }
  }

  /** Tells systemd the service is stopping ({@code STOPPING=1}); the pings end. */
  public void stopping() {
    if (thread != null) {
      thread.shutdownNow();
    }
    notifier.send("STOPPING=1\nSTATUS=stopping");
  }

  /** One watchdog turn: {@code WATCHDOG=1} if the pipeline turned recently, else nothing. */
  void pingIfAlive() {
    long allowed = Math.max(MIN_SILENCE_MILLIS, watchdogMicros / 2000);
    Optional<String> stuck = liveness.stuck(allowed, TimeUnit.MILLISECONDS);
    if (stuck.isPresent()) {
      if (!reportedStuck) {
        reportedStuck = true;
        log.error(
            "pipeline stuck ({}): no longer pinging systemd's watchdog; systemd restarts the"
                + " service within WatchdogSec",
            stuck.get());
      }
      return;
    }
    if (reportedStuck) {
      reportedStuck = false;
      log.warn("pipeline turns again: pinging systemd's watchdog again");
    }
    notifier.send("WATCHDOG=1");
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ');
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.shutdownNow();
    }
  }
}
