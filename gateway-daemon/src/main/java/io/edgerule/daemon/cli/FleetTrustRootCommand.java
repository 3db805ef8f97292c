package io.edgerule.daemon.cli;

import io.edgerule.ota.fleet.FleetView;
import io.edgerule.ota.trust.PublishedRoots;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.TrustRoot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule fleet trust-root publish|show}: over-the-air key rotation. The fleet's chain of
 * signed trust roots is one retained message on {@code <prefix>/fleet/trust} ({@link
 * PublishedRoots}); gateways walk it from the root they hold. Publishing appends to it only roots
 * the gateways would accept (checked here as they check it), so a mistake is caught before any
 * gateway sees it. Signing stays with {@code edgerule keys trust-root sign} (key files or PKCS#11).
 */
@Command(
    name = "trust-root",
    description =
        "Rotate or revoke signing keys across the fleet: publish signed trust roots (retained) for"
            + " every gateway to walk; show the published chain and which root each gateway holds.",
    mixinStandardHelpOptions = true,
    subcommands = {FleetTrustRootCommand.Publish.class, FleetTrustRootCommand.Show.class})
final class FleetTrustRootCommand {
  private FleetTrustRootCommand() {}

  @Command(
      name = "publish",
      description =
          "Append signed trust roots (oldest first) to the fleet's retained chain. Refused (exit 1),"
              + " nothing published, when gateways would refuse them: not the next version, too"
              + " few signatures of the old or the new keys, a revocation dropped, expired.",
      mixinStandardHelpOptions = true)
  static final class Publish implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ROOT", arity = "1..*", description = "Signed root.json files.")
    List<Path> files;

    @Option(
        names = "--trusted",
        paramLabel = "FILE",
        description =
            "The root the gateways hold (their ota.trust_root): when nothing is published yet, the"
                + " first ROOT must follow it.")
    Path trusted;

    @Mixin FleetChangeOptions fleet;

    @Override
    public Integer call() {
      return FleetRun.run(
          spec,
          out -> {
            List<TrustRoot> added = new ArrayList<>();
            for (Path f : files) {
              added.add(
                  TrustRoot.parseUnchecked(
                      FleetRun.read("ROOT", f, TrustRoot.MAX_SIZE), f.toString()));
            }
            added.sort(Comparator.comparingLong(TrustRoot::version));
            Optional<TrustRoot> held =
                trusted == null
                    ? Optional.empty()
                    : Optional.of(
                        TrustRoot.parse(
                            FleetRun.read("--trusted", trusted, TrustRoot.MAX_SIZE),
                            trusted.toString()));
            try (FleetSession s = fleet.open()) {
              String topic = s.topics().trust();
              PublishedRoots before = published(s);
              PublishedRoots after;
              try {
                after = before.extend(added, held, Instant.now());
              } catch (TrustException e) {
                throw new IllegalStateException(
                    "gateways would refuse it ("
                        + e.reason()
                        + "): "
                        + e.getMessage()
                        + "; nothing published");
              }
              if (after.roots().size() == before.roots().size()) {
                out.printf(
                    "nothing new: %s holds %s already; nothing published%n",
                    topic, before.describe());
                return ExitCodes.OK;
              }
              TrustRoot last = after.last().orElseThrow();
              s.controller()
                  .audit(
                      "trust-root",
                      null,
                      "published trust roots "
                          + after.describe()
                          + " on "
                          + topic
                          + "; newest "
                          + describe(last));
              FleetSession.await(
                  s.link().publish(topic, after.toJson(), 1, true),
                  Duration.ofMinutes(2),
                  "publishing the trust roots");
              out.printf(
                  "published trust root v%d on %s (retained): chain %s; %s%n",
                  last.version(), topic, after.describe(), describe(last));
              out.println(
                  "gateways holding an older root of the chain walk it to v"
                      + last.version()
                      + "; 'edgerule fleet status' shows the root each holds");
            }
            return ExitCodes.OK;
          });
    }
  }

  @Command(
      name = "show",
      description =
          "Show the fleet's published chain of trust roots, whether it holds together, and how many"
              + " gateways hold each root.",
      mixinStandardHelpOptions = true)
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin BrokerOptions broker;

    @Override
    public Integer call() {
      return FleetRun.run(
          spec,
          out -> {
            try (FleetSession s = FleetSession.openReadOnly(broker)) {
              PublishedRoots chain = published(s);
              out.println(s.topics().trust() + ": " + chain.describe());
              for (TrustRoot r : chain.roots()) {
                out.println("  v" + r.version() + ": " + describe(r));
              }
              if (!chain.roots().isEmpty()) {
                out.println("  " + follows(chain));
              }
              Map<String, Integer> held = new TreeMap<>();
              for (FleetView.Gateway g : s.controller().fleet().gateways().values()) {
                held.merge(FleetText.root(g.trust()), 1, Integer::sum);
              }
              out.println("gateways by trust root: " + held + " (-: not reported)");
            }
            return ExitCodes.OK;
          });
    }

    private static String follows(PublishedRoots chain) {
      try {
        PublishedRoots.empty().extend(chain.roots(), Optional.empty(), Instant.now());
        return "the chain holds together (each root follows the one before; the newest is not"
            + " expired)";
      } catch (TrustException e) {
        return "BROKEN (" + e.reason() + "): " + e.getMessage();
      }
    }
  }

  /** The chain the broker keeps (none published: empty). */
  static PublishedRoots published(FleetSession s) throws Exception {
    String topic = s.topics().trust();
    Optional<byte[]> kept = s.retained(topic);
    if (kept.isEmpty()) {
      return PublishedRoots.empty();
    }
    try {
      return PublishedRoots.read(kept.get(), topic);
    } catch (TrustException e) {
      throw new IllegalStateException(
          "the retained chain is not readable: "
              + e.getMessage()
              + " (clear it with an empty retained message on "
              + topic
              + ", then publish every root again)");
    }
  }

  static String describe(TrustRoot r) {
    return "expires "
        + r.expires()
        + ", threshold "
        + r.threshold()
        + ", root threshold "
        + r.rootThreshold()
        + ", "
        + r.keys().size()
        + " key(s), "
        + r.revoked().size()
        + " revoked, "
        + r.signatures().size()
        + " signature(s)";
  }
}
