package io.edgerule.daemon.cli;

import io.edgerule.daemon.config.ConfigException;
import io.edgerule.daemon.config.DeviceFiles;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.RuleConfig;
import io.edgerule.daemon.mqtt.UplinkFactory;
import io.edgerule.daemon.ota.GatewayTrust;
import io.edgerule.daemon.ota.HttpDownloadSetup;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleManifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule check --config FILE}: validates the config, the files devices will read
 * (certificates, keys, password files) and loads every rule (compile, validate, init) without
 * touching devices or the broker. For CI pipelines and before a restart.
 */
@Command(
    name = "check",
    description =
        "Validate a config and load its rules without starting devices; exit 2 if the config is invalid, 1 if a rule does not load.",
    mixinStandardHelpOptions = true)
public final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The gateway's YAML config.")
  Path config;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<GatewayConfig> loaded = ConfigFiles.load(config, err);
    if (loaded.isEmpty()) {
      return ExitCodes.CONFIG;
    }
    GatewayConfig cfg = loaded.get();
    List<ConfigException> files = DeviceFiles.problems(cfg, config);
    if (!files.isEmpty()) {
      files.forEach(e -> err.println("edgerule: invalid config: " + e.getMessage()));
      return ExitCodes.CONFIG;
    }
    String uplink = UplinkFactory.fileProblem(cfg);
    if (uplink != null) {
      err.println(
          "edgerule: invalid config: "
              + new ConfigException(config, 0, 0, "mqtt: " + uplink).getMessage());
      return ExitCodes.CONFIG;
    }
    String trust = GatewayTrust.fileProblem(cfg.ota(), java.time.Instant.now());
    if (trust != null) {
      err.println(
          "edgerule: invalid config: "
              + new ConfigException(config, 0, 0, "ota.trust_root: " + trust).getMessage());
      return ExitCodes.CONFIG;
    }
    String ca = HttpDownloadSetup.caFileProblem(cfg.ota().http());
    if (ca != null) {
      err.println(
          "edgerule: invalid config: "
              + new ConfigException(config, 0, 0, "ota.http.ca_file: " + ca).getMessage());
      return ExitCodes.CONFIG;
    }
    out.printf(
        "config %s: OK (%d devices, %d rules)%n", config, cfg.devices().size(), cfg.rules().size());
    int failed = 0;
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    try (RuleEngine engine = new RuleEngine(cfg.ruleLimits(), watchdog, Clock.systemUTC())) {
      for (RuleConfig rc : cfg.rules()) {
        try {
          RuleManifest manifest = RuleManifest.load(rc.manifest());
          engine.load(rc.name(), rc.wasm(), manifest);
          out.printf("rule %s: OK%n", rc.name());
        } catch (Exception e) {
          failed++;
          err.printf("rule %s: %s%n", rc.name(), e.getMessage());
        }
      }
    } finally {
      watchdog.shutdownNow();
    }
    return failed == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
