package io.edgerule.daemon.cli;

import io.edgerule.ota.trust.KeyId;
import io.edgerule.ota.trust.Pae;
import io.edgerule.ota.trust.RootChain;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.TrustRoot;
import io.edgerule.ota.trust.TrustedKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code edgerule keys trust-root create|sign|verify|show}. */
@Command(
    name = "trust-root",
    description = "Create, sign, check and show trust roots (root.json).",
    mixinStandardHelpOptions = true,
    subcommands = {
      TrustRootCommand.Create.class,
      TrustRootCommand.Sign.class,
      TrustRootCommand.Verify.class,
      TrustRootCommand.Show.class
    })
final class TrustRootCommand {

  static TrustRoot readUnchecked(Path f) throws IOException, TrustException {
    return TrustRoot.parseUnchecked(ImageCommand.read(f, TrustRoot.MAX_SIZE), f.toString());
  }

  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Command(
      name = "create",
      description = "Write an unsigned trust root.",
      mixinStandardHelpOptions = true)
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--version",
        required = true,
        paramLabel = "N",
        description = "1 for a first root; the old root's + 1 for a rotation.")
    long version;

    @Option(
        names = "--expires",
        defaultValue = "365d",
        paramLabel = "WHEN",
        description = "An instant or a duration from now (default 365d).")
    String expires;

    @Option(
        names = "--threshold",
        required = true,
        paramLabel = "N",
        description = "Distinct keys that must sign an image.")
    int threshold;

    @Option(
        names = "--root-threshold",
        paramLabel = "N",
        description = "Distinct keys that must sign the next root (default: --threshold).")
    Integer rootThreshold;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "FILE",
        description = "A trusted key (.pub or .key file). Repeat.")
    List<Path> keys;

    @Option(
        names = "--revoke",
        paramLabel = "KEYID",
        description =
            "A revoked key id (64 hex digits). Repeat; a rotation must keep the old root's revocations.")
    List<String> revoke = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "FILE")
    Path out;

    @Override
    public Integer call() {
      try {
        List<TrustedKey> trusted = new ArrayList<>();
        for (Path k : keys) {
          trusted.add(KeysCommand.readAnyKey(k));
        }
        Set<KeyId> revoked = new LinkedHashSet<>();
        for (String r : revoke) {
          revoked.add(new KeyId(r));
        }
        Instant exp = ImageCommand.instantOrAfter("--expires", expires, Instant.now());
        TrustRoot root =
            TrustRoot.unsigned(
                new TrustRoot.Content(
                    version,
                    exp,
                    threshold,
                    rootThreshold == null ? threshold : rootThreshold,
                    trusted,
                    revoked));
        if (Files.exists(out)) {
          throw new IllegalArgumentException(out + " exists already");
        }
        Files.write(out, root.envelope());
        spec.commandLine()
            .getOut()
            .printf(
                "wrote unsigned %s to %s: sign it with 'edgerule keys trust-root sign'%n",
                root, out);
        return ExitCodes.OK;
      } catch (IOException | RuntimeException e) {
        spec.commandLine().getErr().println("edgerule keys trust-root create: " + e.getMessage());
        return ExitCodes.CONFIG;
      }
    }
  }

  @Command(
      name = "sign",
      description = "Add a signature to a trust root (in place).",
      mixinStandardHelpOptions = true)
  static final class Sign implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ROOT")
    Path file;

    @Mixin SignerOptions key;

    @Override
    public Integer call() {
      try {
        TrustRoot root = readUnchecked(file);
        Signer signer = key.signer();
        byte[] sig = signer.sign(Pae.encode(Pae.ROOT_TYPE, root.payload()));
        writeAtomically(
            file, root.withSignature(new SignatureEntry(signer.publicKey().id(), sig)).envelope());
        spec.commandLine()
            .getOut()
            .printf("signed %s (%s) with key %s%n", file, root, signer.publicKey().id());
        return ExitCodes.OK;
      } catch (IOException | GeneralSecurityException | TrustException | RuntimeException e) {
        spec.commandLine().getErr().println("edgerule keys trust-root sign: " + e.getMessage());
        return ExitCodes.CONFIG;
      }
    }
  }

  @Command(
      name = "verify",
      description =
          "Check a root's own signatures, or that roots follow a trusted one (--trusted OLD NEWER...). Exit 0 ok, 1 refused, 2 bad input.",
      mixinStandardHelpOptions = true)
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ROOT", arity = "1..*", description = "Roots, oldest first.")
    List<Path> roots;

    @Option(
        names = "--trusted",
        paramLabel = "FILE",
        description = "The root a gateway trusts now: ROOTs must follow it.")
    Path trusted;

    @Option(
        names = "--now",
        paramLabel = "INSTANT",
        description = "Judge expiry at this time (default: the clock).")
    String now;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      List<TrustRoot> chain = new ArrayList<>();
      try {
        for (Path r : roots) {
          chain.add(TrustRoot.parse(ImageCommand.read(r, TrustRoot.MAX_SIZE), r.toString()));
        }
        Instant at = now == null ? Instant.now() : Instant.parse(now);
        TrustRoot last;
        if (trusted != null) {
          last =
              RootChain.advance(
                  TrustRoot.parse(
                      ImageCommand.read(trusted, TrustRoot.MAX_SIZE), trusted.toString()),
                  chain,
                  at);
        } else {
          last = RootChain.advance(chain.get(0), chain.subList(1, chain.size()), at);
        }
        spec.commandLine()
            .getOut()
            .printf(
                "OK: %s (expires %s, threshold %d, root threshold %d, %d key(s))%n",
                last, last.expires(), last.threshold(), last.rootThreshold(), last.keys().size());
        return ExitCodes.OK;
      } catch (TrustException e) {
        err.println("REFUSED (" + e.reason() + ") " + e.getMessage());
        return ExitCodes.FAILURE;
      } catch (IOException | RuntimeException e) {
        err.println("edgerule keys trust-root verify: " + e.getMessage());
        return ExitCodes.CONFIG;
      }
    }
  }

  @Command(
      name = "show",
      description = "Print a trust root's content (signatures not checked).",
      mixinStandardHelpOptions = true)
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ROOT")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        TrustRoot r = readUnchecked(file);
        out.printf(
            "%s, expires %s, threshold %d, root threshold %d%n",
            r, r.expires(), r.threshold(), r.rootThreshold());
        r.keys().values().forEach(k -> out.println("  key " + KeysCommand.describe(k)));
        r.revoked().forEach(k -> out.println("  revoked " + k));
        r.signatures().forEach(s -> out.println("  signature by " + s.keyId()));
        return ExitCodes.OK;
      } catch (IOException | TrustException e) {
        spec.commandLine().getErr().println("edgerule keys trust-root show: " + e.getMessage());
        return ExitCodes.CONFIG;
      }
    }
  }
}
