package io.edgerule.daemon.cli;

import io.edgerule.ota.fleet.AuditLog;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a fleet command records what it decided and did (the hash-chained audit log). */
final class AuditOptions {
  @Option(
      names = "--audit",
      paramLabel = "FILE",
      defaultValue = "${env:EDGERULE_FLEET_AUDIT:-fleet-audit.jsonl}",
      description =
          "The fleet's audit log (default: EDGERULE_FLEET_AUDIT, else ./fleet-audit.jsonl). Keep"
              + " one per fleet and back it up.")
  Path file;

  AuditLog log() {
    return FleetSession.audit(file);
  }
}
