package io.edgerule.daemon.cli;

import io.edgerule.adapter.DurationText;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.UpdateStatus;
import io.edgerule.ota.fleet.FleetView;
import io.edgerule.ota.fleet.FollowReport;
import io.edgerule.ota.fleet.Rollout;
import io.edgerule.ota.fleet.RolloutTarget;
import io.edgerule.ota.fleet.TrustReport;
import io.edgerule.ota.fleet.Wave;
import io.edgerule.ota.fleet.WaveJudge;
import java.io.PrintWriter;
import java.util.Locale;

/** How fleet commands print rollouts, waves and gateways (one line each, for operators). */
final class FleetText {
  private FleetText() {}

  static String image(ImageId id) {
    return id == null ? "-" : id.name() + " " + id.version() + " (sv " + id.securityVersion() + ")";
  }

  static String rollout(Rollout r) {
    return "rollout "
        + r.id()
        + " revision "
        + r.revision()
        + ": "
        + r.state()
        + (r.wavePassed() ? " (wave passed, awaiting approval)" : "")
        + ", wave "
        + r.wave()
        + " of "
        + r.waves().size()
        + ", image "
        + image(r.image().id())
        + " sha256 "
        + r.image().sha256();
  }

  static String wave(int i, Wave w) {
    return String.format(
        Locale.ROOT,
        "wave %d: %s; min sample %d, success >= %s %%, error > %s %%, soak %s, timeout %s%s",
        i,
        w.isCanary() ? "canary " + String.join(", ", w.canary()) : num(w.percent()) + " %",
        w.minSample(),
        num(w.successPercent()),
        num(w.errorPercent()),
        DurationText.format(w.soak()),
        DurationText.format(w.timeout()),
        w.approval() ? ", then awaits approval" : "");
  }

  static void printRollout(PrintWriter out, Rollout r) {
    out.println(rollout(r));
    out.println("  created " + r.created() + ", wave started " + r.waveStarted());
    out.println("  last decision: " + r.reason());
    for (int i = 0; i < r.waves().size(); i++) {
      out.println("  " + (i == r.wave() ? "> " : "  ") + wave(i, r.waves().get(i)));
    }
  }

  static String verdict(WaveJudge.Verdict v) {
    return v.action() + ": " + v.reason();
  }

  /**
   * One gateway: id, last update transition, what it runs, the trust root it holds, and what it
   * makes of the rollout.
   */
  static String gateway(FleetView.Gateway g, Rollout r) {
    UpdateStatus s = g.status();
    FollowReport f = g.follow();
    String wave = r == null ? "-" : waveOf(r, g.id());
    return String.format(
        Locale.ROOT,
        "%-24s %-12s %-28s running %-28s root %-14s wave %-4s %s",
        g.id(),
        s == null ? "-" : s.state().name(),
        s == null ? "-" : image(s.image()),
        s == null ? (f == null ? "-" : image(f.running())) : image(s.running()),
        root(g.trust()),
        wave,
        f == null ? "" : f.detail());
  }

  /** {@code v2}, {@code v1 (REFUSED)} after a refused chain, {@code -} when not reported. */
  static String root(TrustReport t) {
    if (t == null) {
      return "-";
    }
    boolean bad =
        t.result() == TrustReport.Result.REFUSED || t.result() == TrustReport.Result.FAILED;
    return "v" + t.version() + (bad ? " (" + t.result() + ")" : "");
  }

  private static String waveOf(Rollout r, String gateway) {
    int w = RolloutTarget.waveOf(r, gateway);
    return w < 0 ? "none" : Integer.toString(w);
  }

  static String num(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
