package io.edgerule.daemon.cli;

import picocli.CommandLine.Command;

/**
 * {@code edgerule fleet ...}: the operator's side of over-the-air updates. Publishes images and
 * drives staged rollouts over MQTT, signs and publishes the rollback switch, publishes rotated
 * trust roots, checks the audit log and shows every gateway. All logic is in ota-updater ({@code
 * io.edgerule.ota.fleet}); these commands parse options, call it and print. Topics:
 * docs/reference/ota-topics.md.
 */
@Command(
    name = "fleet",
    description =
        "Publish images and drive staged rollouts over MQTT; the signed rollback switch; trust"
            + " root rotation; the audit log; every gateway's update status.",
    mixinStandardHelpOptions = true,
    subcommands = {
      FleetPublishCommand.class,
      RolloutCommand.class,
      FleetRollbackCommand.class,
      FleetAuditCommand.class,
      FleetStatusCommand.class,
      FleetTrustRootCommand.class
    })
public final class FleetCommand {}
