package io.edgerule.daemon.cli;

import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.reload.ConfigFileWatcher;
import io.edgerule.daemon.reload.ConfigSource;
import io.edgerule.daemon.systemd.SystemdService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule run --config FILE}: runs the gateway until SIGTERM or Ctrl-C; reloads the config
 * on SIGHUP, when the file changes (unless {@code --no-watch}) and on the MQTT {@code reload}
 * command.
 */
@Command(
    name = "run",
    description =
        "Run the gateway with a config file until SIGTERM or Ctrl-C (exit 0 after a clean stop).",
    mixinStandardHelpOptions = true)
public final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The gateway's YAML config.")
  Path config;

  @Option(
      names = "--no-watch",
      description =
          "Do not reload when the config file changes (SIGHUP and the MQTT reload command still"
              + " reload it).")
  boolean noWatch;

  @Override
  public Integer call() {
    Optional<GatewayConfig> loaded = ConfigFiles.load(config, spec.commandLine().getErr());
    if (loaded.isEmpty()) {
      return ExitCodes.CONFIG;
    }
    GatewayConfig cfg = loaded.get();
    CountDownLatch stop = new CountDownLatch(1);
    Signals.onTermination(stop::countDown);
    HangupReload hangup = HangupReload.install();
    try (Gateway gateway =
            Gateway.start(cfg, Factories.installed(), GatewayListener.NONE, Clock.systemUTC());
        SystemdService systemd =
            SystemdService.fromEnvironment(System.getenv(), gateway.liveness());
        ConfigFileWatcher watcher = watch(gateway)) {
      gateway.reloadFrom(ConfigSource.file(config, new ConfigLoader(Factories.installed())));
      hangup.running(gateway);
      systemd.ready(
          String.format(
              Locale.ROOT,
              "running: %d adapters, %d rules",
              gateway.health().size(),
              gateway.rules().size()));
      stop.await();
      // Before the gateway closes: systemd then allows TimeoutStopSec for the shutdown, and the
      // pings end while the pipeline drains.
      systemd.stopping();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      spec.commandLine().getErr().println("edgerule: cannot start: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    return ExitCodes.OK;
  }

  /** The watcher that reloads when the config file changes, or null with --no-watch. */
  private ConfigFileWatcher watch(Gateway gateway) throws IOException {
    if (noWatch) {
      return null;
    }
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "edgerule-config-watch-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    // Waits for the reload, so that changes during one are taken by the next.
    return ConfigFileWatcher.start(config, () -> gateway.reload().join(), threads);
  }
}
