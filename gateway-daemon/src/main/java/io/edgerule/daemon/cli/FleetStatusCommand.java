package io.edgerule.daemon.cli;

import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.fleet.FleetView;
import io.edgerule.ota.fleet.Rollout;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule fleet status}: every gateway the broker knows of (from their retained OTA status
 * follow and trust reports): its last update transition, what it runs, the trust root it holds, its
 * wave in the current rollout and what it makes of it; then the counts, and how many gateways hold
 * each trust root version (a rotation's progress).
 */
@Command(
    name = "status",
    description =
        "Show every gateway's last update transition, the image it runs, the trust root it"
            + " holds, its wave and what it makes of the current rollout (from the gateways'"
            + " retained reports).",
    mixinStandardHelpOptions = true)
final class FleetStatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--gateway",
      split = ",",
      paramLabel = "ID",
      description = "Only these gateways (comma-separated or repeated).")
  List<String> only = new ArrayList<>();

  @Option(names = "--summary", description = "Only the counts, not one line per gateway.")
  boolean summary;

  @Mixin BrokerOptions broker;

  @Override
  public Integer call() {
    return FleetRun.run(
        spec,
        out -> {
          try (FleetSession s = FleetSession.openReadOnly(broker)) {
            Rollout r = s.controller().rollout().orElse(null);
            Map<String, FleetView.Gateway> all = s.controller().fleet().gateways();
            for (String g : only) {
              if (!all.containsKey(g)) {
                throw new IllegalStateException(
                    "gateway '"
                        + g
                        + "' has published no OTA status or follow report on "
                        + s.broker());
              }
            }
            Map<UpdateState, Integer> states = new EnumMap<>(UpdateState.class);
            int none = 0;
            Map<String, Integer> roots = new TreeMap<>();
            for (FleetView.Gateway g : all.values()) {
              if (!only.isEmpty() && !only.contains(g.id())) {
                continue;
              }
              if (!summary) {
                out.println(FleetText.gateway(g, r));
              }
              roots.merge(FleetText.root(g.trust()), 1, Integer::sum);
              if (g.status() == null) {
                none++;
              } else {
                states.merge(g.status().state(), 1, Integer::sum);
              }
            }
            out.println(
                (only.isEmpty() ? all.size() : only.size())
                    + " gateway(s): "
                    + states
                    + (none > 0 ? ", " + none + " without an update status" : ""));
            if (roots.size() > 1 || !roots.containsKey("-")) {
              // a rotation's progress; not printed for a fleet whose gateways report no root
              out.println("trust roots: " + roots + " (-: not reported)");
            }
            out.println(r == null ? "no rollout" : FleetText.rollout(r));
          }
          return ExitCodes.OK;
        });
  }
}
