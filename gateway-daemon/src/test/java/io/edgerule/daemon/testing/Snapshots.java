package io.edgerule.daemon.testing;

import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboxStats;

/** Typed reads of a gateway's state snapshot for tests. */
public final class Snapshots {
  private Snapshots() {}

  /** The outbox's figures for one message class now. */
  public static OutboxStats.ClassStats outbox(Gateway gw, MessageClass c) {
    return outbox(gw.snapshot("online"), c);
  }

  public static OutboxStats.ClassStats outbox(GatewayState state, MessageClass c) {
    GatewayState.OutboxFigures o = state.uplink().outbox();
    if (o == null) {
      throw new AssertionError("the gateway's uplink has no outbox: " + state.uplink());
    }
    return o.stats().of(c);
  }

  /** The named rule's entry of the snapshot. */
  public static GatewayState.RuleState rule(GatewayState state, String name) {
    return state.rules().stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no rule '" + name + "' in " + state.rules()));
  }
}
