package io.edgerule.daemon;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.daemon.pipeline.ActionDispatcher;
import io.edgerule.daemon.pipeline.Ingress;
import io.edgerule.daemon.pipeline.RuleSlot;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.ShadowReport;
import io.edgerule.sandbox.ShadowRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Collects the gateway's {@link GatewayState} from its parts (the namespace encodes it). */
final class StateSnapshots {
  private StateSnapshots() {}

  static GatewayState collect(
      String status,
      String gateway,
      Instant time,
      List<AdapterHealth> health,
      List<RuleSlot> slots,
      Map<String, String> failedRules,
      ActionDispatcher dispatcher,
      Ingress ingress,
      Uplink uplink) {
    List<GatewayState.RuleState> rules = new ArrayList<>();
    for (RuleSlot s : slots) {
      Rule r = s.rule();
      ShadowRun shadow = s.shadow();
      GatewayState.Shadow sh = null;
      if (shadow != null) {
        ShadowReport sr = shadow.report();
        sh =
            new GatewayState.Shadow(
                sr.candidateDigest().substring(0, 12),
                sr.calls(),
                sr.matched(),
                sr.differed(),
                sr.candidateFailures());
      }
      rules.add(
          new GatewayState.RuleState(
              s.name(),
              r.status().name(),
              r.faultCount(),
              s.batches(),
              s.ticks(),
              s.dropped(),
              s.throttled(),
              r.moduleDigest().substring(0, 12),
              dispatcher.account(s.name()).counters(),
              r.readmitAt().orElse(null),
              r.quarantineCause().map(f -> f.kind() + ": " + f.message()).orElse(null),
              sh,
              null));
    }
    failedRules.forEach((name, why) -> rules.add(GatewayState.RuleState.failed(name, why)));
    return new GatewayState(
        status,
        null,
        gateway,
        time,
        health,
        rules,
        dispatcher.alarms(),
        new GatewayState.Pipeline(ingress.accepted(), ingress.dropped(), ingress.depth()),
        uplink.status());
  }
}
