package io.edgerule.daemon.cli;

import io.edgerule.ota.fleet.RollbackSwitch;
import io.edgerule.ota.fleet.RollbackSwitches;
import io.edgerule.ota.fleet.Rollout;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.TrustRoot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule fleet rollback}: makes the signed rollback switch for the current rollout (the
 * whole fleet, or a group), signs it with a key file or a PKCS#11 token, and publishes it retained
 * (the rollout is aborted if it still runs). Gateways verify it against their trust root like an
 * image. When the root needs several signatures: {@code --save} the envelope, pass it on with
 * {@code --from} for the next signer, who publishes.
 */
@Command(
    name = "rollback",
    description =
        "Sign and publish the rollback switch: gateways running or trying the rollout's image return"
            + " to the image they committed before; the rollout stops. --save/--from collect"
            + " several signatures.",
    mixinStandardHelpOptions = true)
final class FleetRollbackCommand implements Callable<Integer> {
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "Why (required for a new switch): gateways report it, the audit log keeps it.")
  String reason;

  @Option(
      names = "--rollout",
      paramLabel = "ID",
      description = "The rollout to halt (default: the broker's current rollout).")
  String rollout;

  @Option(
      names = "--gateway",
      split = ",",
      paramLabel = "ID",
      description = "Only these gateways (comma-separated or repeated); default: the whole fleet.")
  List<String> gateways = new ArrayList<>();

  @Option(
      names = "--id",
      paramLabel = "ID",
      description = "The switch's id (default: rb-<UTC time>).")
  String id;

  @Option(
      names = "--expires",
      paramLabel = "WHEN",
      defaultValue = "7d",
      description = "An instant or a duration from now (default ${DEFAULT-VALUE}).")
  String expires;

  @Option(
      names = "--from",
      paramLabel = "FILE",
      description = "Add this signature to a switch saved by another signer (--save).")
  Path from;

  @Option(
      names = "--save",
      paramLabel = "FILE",
      description = "Write the signed switch here instead of publishing it (for more signers).")
  Path save;

  @Option(
      names = "--root",
      paramLabel = "FILE",
      description =
          "The gateways' trust root: refuse to publish a switch they would refuse (e.g. too few"
              + " signatures).")
  Path root;

  @Mixin SignerOptions key;
  @Mixin FleetChangeOptions fleet;

  @Override
  public Integer call() {
    return FleetRun.run(
        spec,
        out -> {
          if (!key.given()) {
            throw new IllegalArgumentException(
                "a switch must be signed: give --key FILE or --pkcs11 CFG --alias NAME");
          }
          if (from != null
              && (reason != null || rollout != null || !gateways.isEmpty() || id != null)) {
            throw new IllegalArgumentException(
                "--from takes the switch as it was saved: --reason, --rollout, --gateway and --id"
                    + " are not allowed with it");
          }
          if (from == null && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("--reason: say why (gateways report it)");
          }
          TrustRoot trust =
              root == null
                  ? null
                  : TrustRoot.parseUnchecked(
                      FleetRun.read("--root", root, TrustRoot.MAX_SIZE), root.toString());
          RollbackSwitches.Envelope env;
          if (from != null) {
            env =
                RollbackSwitches.parseUnchecked(
                    FleetRun.read("--from", from, 4L * 1024 * 1024), from.toString());
            env = env.signedBy(key.signer());
            if (save != null) {
              return saved(out, env);
            }
            try (FleetSession s = fleet.open()) {
              return publish(out, s, env, trust);
            }
          }
          Instant now = Instant.now();
          Instant until = ImageCommand.instantOrAfter("--expires", expires, now);
          try (FleetSession s = fleet.open()) {
            Rollout r = RolloutControlCommands.current(s);
            if (rollout != null && !rollout.equals(r.id())) {
              throw new IllegalStateException(
                  "the broker's rollout is "
                      + r.id()
                      + ", not "
                      + rollout
                      + ": a switch names the rollout it halts and that rollout's image");
            }
            RollbackSwitch cmd;
            try {
              cmd =
                  new RollbackSwitch(
                      id != null ? id : "rb-" + ID_TIME.format(now),
                      r.id(),
                      r.image(),
                      gateways,
                      now,
                      until,
                      reason);
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException("--id/--gateway/--expires: " + e.getMessage());
            }
            if (gateways.size() > RollbackSwitches.MAX_GATEWAYS) {
              throw new IllegalArgumentException(
                  "--gateway: at most " + RollbackSwitches.MAX_GATEWAYS + " gateways per switch");
            }
            env = RollbackSwitches.unsigned(cmd).signedBy(key.signer());
            if (save != null) {
              return saved(out, env);
            }
            return publish(out, s, env, trust);
          }
        });
  }

  private int saved(java.io.PrintWriter out, RollbackSwitches.Envelope env)
      throws java.io.IOException {
    TrustRootCommand.writeAtomically(save, env.bytes());
    out.printf(
        "saved rollback switch %s (%d signature(s)) to %s; not published%n",
        env.command().id(), env.signatures().size(), save);
    return ExitCodes.OK;
  }

  private int publish(
      java.io.PrintWriter out, FleetSession s, RollbackSwitches.Envelope env, TrustRoot trust)
      throws Exception {
    RollbackSwitch cmd = env.command();
    if (trust != null) {
      try {
        RollbackSwitches.verify(env.bytes(), cmd.id(), trust, Instant.now());
      } catch (TrustException e) {
        throw new IllegalStateException(
            "gateways would refuse this switch ("
                + e.reason()
                + "): "
                + e.getMessage()
                + "; nothing published (collect more signatures with --save and --from)");
      }
    }
    FleetSession.await(
        s.controller().rollback(env), Duration.ofMinutes(2), "publishing the rollback switch");
    out.printf(
        "published rollback switch %s on %s: rollout %s, image %s, %s, %d signature(s), expires %s%n",
        cmd.id(),
        s.topics().rollback(cmd.id()),
        cmd.rollout(),
        FleetText.image(cmd.image().id()),
        cmd.gateways().isEmpty() ? "whole fleet" : cmd.gateways().size() + " gateway(s)",
        env.signatures().size(),
        cmd.expires());
    s.controller().rollout().ifPresent(r -> out.println(FleetText.rollout(r)));
    return ExitCodes.OK;
  }
}
