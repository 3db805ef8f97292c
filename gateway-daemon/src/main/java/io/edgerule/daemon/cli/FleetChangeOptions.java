package io.edgerule.daemon.cli;

import java.io.IOException;
import picocli.CommandLine.Mixin;

/**
 * The options of every fleet command that changes something: how it reaches the broker ({@link
 * BrokerOptions}) and where it records what it decided and did ({@link AuditOptions}). Declared
 * once here so each such command offers them alike; a command that only reads takes {@link
 * BrokerOptions} alone ({@link FleetSession#openReadOnly}).
 */
final class FleetChangeOptions {
  @Mixin BrokerOptions broker;
  @Mixin AuditOptions audit;

  /**
   * Connects and reads the retained rollout and every gateway's reports; decisions go to the audit
   * log ({@link FleetSession#open}).
   */
  FleetSession open() throws IOException, InterruptedException {
    return FleetSession.open(broker, audit.log());
  }
}
