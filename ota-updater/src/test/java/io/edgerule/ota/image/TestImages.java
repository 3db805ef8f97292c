package io.edgerule.ota.image;

import io.edgerule.ota.trust.KeyId;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.SoftwareKeys;
import io.edgerule.ota.trust.TrustRoot;
import io.edgerule.ota.trust.TrustedKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Signed images for tests, built from the committed example rules (examples/rules) with software
 * Ed25519 keys. Also usable by device-side tests that need a {@link VerifiedImage}.
 */
public final class TestImages {
  public static final Path EXAMPLES = Path.of("..", "examples", "rules");
  public static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  public static final GatewayVersion GATEWAY = GatewayVersion.parse("0.1.0");

  private TestImages() {}

  /** The files of an example rule ({@code pump}, {@code deadband}, ...), with its vectors. */
  public static ImageBuilder.RuleFiles example(String rule) {
    try {
      Path events = EXAMPLES.resolve(rule + ".events.jsonl");
      boolean vectors = Files.exists(events);
      return new ImageBuilder.RuleFiles(
          Files.readAllBytes(EXAMPLES.resolve(rule + ".wasm")),
          Files.readAllBytes(EXAMPLES.resolve(rule + ".yaml")),
          vectors ? Optional.of(Files.readAllBytes(events)) : Optional.empty(),
          vectors
              ? Optional.of(Files.readAllBytes(EXAMPLES.resolve(rule + ".expected.jsonl")))
              : Optional.empty());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ImageBuilder.Header header(String name, long securityVersion) {
    return new ImageBuilder.Header(
        name,
        "1." + securityVersion + ".0",
        securityVersion,
        NOW.minusSeconds(3600),
        NOW.plusSeconds(30L * 24 * 3600),
        new ImageManifest.Compatibility(
            GatewayVersion.parse("0.1.0"), Optional.of(GatewayVersion.parse("1.0.0")), 1));
  }

  /** An unsigned image of the given example rules. */
  public static byte[] unsigned(ImageBuilder.Header h, String... rules) {
    return ImageBuilder.build(
        h, java.util.Arrays.stream(rules).map(TestImages::example).toList(), List.of(rules));
  }

  /** The image signed by each signer in turn. */
  public static byte[] signed(byte[] image, Signer... signers) {
    try {
      for (Signer s : signers) {
        image = ImageSigning.sign(image, "test.rimg", s, ImageLimits.defaults());
      }
      return image;
    } catch (ImageRejected | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Signer newSigner(String label) {
    return SoftwareKeys.signer(SoftwareKeys.generate(), label);
  }

  /** A root v1 trusting the signers' keys, signed by all of them. */
  public static TrustRoot root(int threshold, List<Signer> signers, Set<KeyId> revoked) {
    TrustRoot r =
        TrustRoot.unsigned(
            new TrustRoot.Content(
                1,
                NOW.plusSeconds(365L * 24 * 3600),
                threshold,
                threshold,
                signers.stream().map(Signer::publicKey).toList(),
                revoked));
    return signRoot(r, signers);
  }

  public static TrustRoot signRoot(TrustRoot r, List<Signer> signers) {
    try {
      for (Signer s : signers) {
        byte[] sig =
            s.sign(
                io.edgerule.ota.trust.Pae.encode(io.edgerule.ota.trust.Pae.ROOT_TYPE, r.payload()));
        r = r.withSignature(new SignatureEntry(s.publicKey().id(), sig));
      }
      return r;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static VerifyContext context(TrustRoot root, long floor) {
    return VerifyContext.of(root, NOW, floor, Optional.empty(), GATEWAY);
  }

  public static List<TrustedKey> keys(Signer... s) {
    return java.util.Arrays.stream(s).map(Signer::publicKey).toList();
  }
}
