package io.edgerule.ota.fleet.sim;

import io.edgerule.ota.fleet.Rollout;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What a run of the fleet scenario cost, as the lines the benchmark page quotes. */
final class ScenarioFigures {
  /** Times ({@code System.nanoTime}) of the scenario's milestones. */
  record Times(
      long start,
      long booted,
      long known,
      long rolloutStart,
      long stopped,
      long switched,
      long back) {}

  /**
   * @param mq0 the fleet's MQTT counts before B's publish ({@link VirtualFleet#mqttCounts})
   * @param mq1 the same when every gateway is back
   * @param restart one line on the controller restart, or empty
   */
  record Inputs(
      FleetScenario.Settings settings,
      int failing,
      Times t,
      long controllerCpu,
      long processCpu,
      long[] mq0,
      long[] mq1,
      BrokerCounter.Counts broker,
      Rollout stopped,
      int failedB,
      int committedB,
      String restart) {}

  private ScenarioFigures() {}

  static String format(Inputs in) {
    FleetScenario.Settings s = in.settings();
    Times t = in.t();
    BrokerCounter.Counts broker = in.broker();
    double[] load = loadAverage();
    return String.format(
        Locale.ROOT,
        "FIGURES gateways=%d connections=%d threads=%d fail_share=%.2f failing=%d%n"
            + "  boot (A installed, committed) %.1f s; controller knows all %.1f s later%n"
            + "  rollout start -> %s at wave %d: %.1f s (in the end %d gateways failed B, %d committed it:"
            + " trials under way at the stop finish)%n"
            + "%s"
            + "  switch -> every gateway back at A: %.1f s; rollout start -> all back: %.1f s%n"
            + "  broker messages (start of publish .. all back): %d published to %s/#, %d bytes;"
            + " broker's own count (%s): PUBLISH received %s, sent %s, dropped %s%n"
            + "  gateway side: %d publishes acknowledged, %d failed; %d messages from the broker,"
            + " fanned out to %d gateway deliveries%n"
            + "  controller CPU %.2f s (its MQTT and decision threads); whole JVM CPU %.1f s%n"
            + "  load average at the end %.2f %.2f %.2f (%d cores)",
        s.gateways(),
        s.connections(),
        s.threads(),
        s.failShare(),
        in.failing(),
        secs(t.booted() - t.start()),
        secs(t.known() - t.booted()),
        in.stopped().state(),
        in.stopped().wave(),
        secs(t.stopped() - t.rolloutStart()),
        in.failedB(),
        in.committedB(),
        in.restart().isEmpty() ? "" : "  " + in.restart() + System.lineSeparator(),
        secs(t.back() - t.switched()),
        secs(t.back() - t.rolloutStart()),
        broker.messages(),
        FleetScenario.PREFIX,
        broker.bytes(),
        broker.source(),
        broker.sysReceived().map(Object::toString).orElse("n/a"),
        broker.sysSent().map(Object::toString).orElse("n/a"),
        broker.sysDropped().map(Object::toString).orElse("n/a"),
        in.mq1()[0] - in.mq0()[0],
        in.mq1()[1] - in.mq0()[1],
        in.mq1()[2] - in.mq0()[2],
        in.mq1()[3] - in.mq0()[3],
        in.controllerCpu() / 1e9,
        in.processCpu() / 1e9,
        load[0],
        load[1],
        load[2],
        Runtime.getRuntime().availableProcessors());
  }

  static double secs(long nanos) {
    return nanos / 1e9;
  }

  static long processCpu() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime()
        : -1;
  }

  static double[] loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return new double[] {
        Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])
      };
    } catch (IOException | RuntimeException e) {
      double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return new double[] {l, l, l};
    }
  }
}
