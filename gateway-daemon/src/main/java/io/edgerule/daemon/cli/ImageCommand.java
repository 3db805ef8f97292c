package io.edgerule.daemon.cli;

import io.edgerule.adapter.DurationText;
import io.edgerule.ota.image.GatewayVersion;
import io.edgerule.ota.image.ImageArchive;
import io.edgerule.ota.image.ImageLimits;
import io.edgerule.ota.image.ImageManifest;
import io.edgerule.ota.image.ImageManifestJson;
import io.edgerule.ota.image.ImageRejected;
import io.edgerule.ota.image.ImageSigning;
import io.edgerule.ota.image.ImageVerifier;
import io.edgerule.ota.image.VerifiedImage;
import io.edgerule.ota.image.VerifyContext;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.TrustRoot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule image build|sign|verify|inspect}: the rule image workflow. All logic is in
 * ota-updater; these commands read files, call it and print. Format:
 * docs/reference/image-format.md.
 */
@Command(
    name = "image",
    description = "Build, sign, verify and inspect signed rule images (.rimg).",
    mixinStandardHelpOptions = true,
    subcommands = {
      ImageBuildCommand.class,
      ImageCommand.Sign.class,
      ImageCommand.Verify.class,
      ImageCommand.Inspect.class
    })
public final class ImageCommand {

  /** An instant ({@code 2027-01-01T00:00:00Z}) or a duration from {@code from} ({@code 90d}). */
  static Instant instantOrAfter(String option, String text, Instant from) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return from.plus(DurationText.parse(text));
      } catch (IllegalArgumentException d) {
        throw new IllegalArgumentException(
            option
                + ": '"
                + text
                + "' is neither an ISO-8601 instant (2027-01-01T00:00:00Z) nor a duration (90d)");
      }
    }
  }

  static byte[] read(Path file, long max) throws IOException {
    if (Files.size(file) > max) {
      throw new IOException(file + ": larger than " + max + " bytes");
    }
    return Files.readAllBytes(file);
  }

  @Command(
      name = "sign",
      description = "Add a signature to an image (in place, or to --out).",
      mixinStandardHelpOptions = true)
  static final class Sign implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "IMAGE")
    Path image;

    @Mixin SignerOptions key;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description = "Write the signed image here (default: replace IMAGE).")
    Path out;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        Signer signer = key.signer();
        byte[] signed =
            ImageSigning.sign(
                read(image, ImageLimits.defaults().maxImageBytes()),
                image.toString(),
                signer,
                ImageLimits.defaults());
        Path target = out == null ? image : out;
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, signed);
        Files.move(
            tmp,
            target,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        spec.commandLine()
            .getOut()
            .printf(
                "signed %s with %s key %s%n",
                target, signer.publicKey().algorithm().id(), signer.publicKey().id());
        return ExitCodes.OK;
      } catch (ImageRejected e) {
        err.println("edgerule image sign: " + e.getMessage());
        return ExitCodes.FAILURE;
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        err.println("edgerule image sign: " + e.getMessage());
        return ExitCodes.CONFIG;
      }
    }
  }

  @Command(
      name = "verify",
      description =
          "Verify an image as a gateway would. Exit 0 if it is accepted, 1 if refused (the reason is printed), 2 for bad input.",
      mixinStandardHelpOptions = true)
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "IMAGE")
    Path image;

    @Option(
        names = "--root",
        required = true,
        paramLabel = "FILE",
        description = "The trust root (root.json).")
    Path root;

    @Option(
        names = "--floor",
        defaultValue = "0",
        paramLabel = "N",
        description = "Anti-rollback floor (default 0).")
    long floor;

    @Option(
        names = "--gateway-version",
        paramLabel = "V",
        description = "Check compatibility with this gateway version (default: this program's).")
    String gatewayVersion;

    @Option(
        names = "--now",
        paramLabel = "INSTANT",
        description = "Judge expiry at this time (default: the clock).")
    String now;

    @Option(
        names = "--last-verified",
        paramLabel = "INSTANT",
        description = "The gateway's last verified time (a clock behind it is refused).")
    String lastVerified;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        TrustRoot trust = TrustRoot.parse(read(root, TrustRoot.MAX_SIZE), root.toString());
        String v =
            gatewayVersion != null
                ? gatewayVersion
                : ImageCommand.class.getPackage().getImplementationVersion();
        if (v == null) {
          throw new IllegalArgumentException(
              "this is a development build without a version: give --gateway-version");
        }
        Instant at = now == null ? Instant.now() : Instant.parse(now);
        VerifyContext ctx =
            VerifyContext.of(
                trust,
                at,
                floor,
                Optional.ofNullable(lastVerified).map(Instant::parse),
                GatewayVersion.parse(v));
        VerifiedImage ok =
            new ImageVerifier()
                .verify(read(image, ImageLimits.defaults().maxImageBytes()), image.toString(), ctx);
        out.printf(
            "OK %s: %s, %d rule(s), signed by %d of the %d key(s) trust root v%d requires: %s%n",
            image,
            ok,
            ok.rules().size(),
            ok.signers().size(),
            trust.threshold(),
            trust.version(),
            ok.signers().stream().map(k -> k.shortHex()).sorted().toList());
        return ExitCodes.OK;
      } catch (ImageRejected e) {
        err.println("REFUSED (" + e.reason() + ") " + e.getMessage());
        return ExitCodes.FAILURE;
      } catch (TrustException e) {
        err.println("edgerule image verify: " + e.getMessage());
        return ExitCodes.CONFIG;
      } catch (IOException | RuntimeException e) {
        err.println("edgerule image verify: " + e.getMessage());
        return ExitCodes.CONFIG;
      }
    }
  }

  @Command(
      name = "inspect",
      description = "Show what an image holds (NOT verified: use 'image verify').",
      mixinStandardHelpOptions = true)
  static final class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "IMAGE")
    Path image;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        ImageArchive.Contents c =
            ImageArchive.read(
                read(image, ImageLimits.defaults().maxImageBytes()),
                image.toString(),
                ImageLimits.defaults());
        byte[] json = c.entries().get(ImageArchive.MANIFEST);
        if (json == null) {
          throw new ImageRejected(
              ImageRejected.Reason.MALFORMED, image + ": has no " + ImageArchive.MANIFEST);
        }
        ImageManifest m = ImageManifestJson.read(json, c.where(ImageArchive.MANIFEST));
        out.printf("%s (not verified)%n", image);
        out.printf(
            "  name %s, version %s, security version %d%n",
            m.name(), m.version(), m.securityVersion());
        out.printf("  created %s, expires %s%n", m.created(), m.expires());
        out.printf(
            "  gateways %s, rule ABI v%d%n",
            m.compatibility().range(), m.compatibility().ruleAbi());
        for (ImageManifest.RuleEntry r : m.rules()) {
          out.printf(
              "  rule %s%s%n",
              r.name(), r.selfTest().isPresent() ? " (with self-test vectors)" : "");
          for (ImageManifest.Payload p : List.of(r.module(), r.manifest())) {
            out.printf("    %s %d bytes sha256 %s%n", p.path(), p.size(), p.sha256());
          }
        }
        List<SignatureEntry> sigs = ImageSigning.existing(c);
        out.printf("  %d signature(s)%n", sigs.size());
        for (SignatureEntry s : sigs) {
          out.printf("    key %s%n", s.keyId());
        }
        return ExitCodes.OK;
      } catch (ImageRejected e) {
        err.println("edgerule image inspect: " + e.getMessage());
        return ExitCodes.FAILURE;
      } catch (IOException e) {
        err.println("edgerule image inspect: " + e.getMessage());
        return ExitCodes.CONFIG;
      }
    }
  }
}
