package io.edgerule.ota.image;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The image manifest ({@code image.json} inside a {@code .rimg}): what the image is, which gateways
 * may run it, and the size and SHA-256 of every other file in the image. Signatures cover the exact
 * bytes of this document; {@link ImageManifestJson} reads and writes it. Format:
 * docs/reference/image-format.md.
 *
 * @param name the image's name (a fleet tracks versions per name)
 * @param version the operator's version label ({@code 1.4.0}); informative, never compared
 * @param securityVersion monotonic: a gateway refuses an image below its anti-rollback floor
 * @param created when the image was built (also a lower bound for the gateway's clock)
 * @param expires after this the image is refused (freeze protection)
 * @param compatibility which gateways and rule ABI the image needs
 * @param rules the rule modules, in order, each with its manifest and optional self-test
 */
public record ImageManifest(
    String name,
    String version,
    long securityVersion,
    Instant created,
    Instant expires,
    Compatibility compatibility,
    List<RuleEntry> rules) {

  /** The document type this code reads; another value is refused, not guessed at. */
  public static final String TYPE = "edgerule-image/v1";

  public ImageManifest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(compatibility, "compatibility");
    rules = List.copyOf(rules);
  }

  /**
   * The gateways an image runs on: versions in {@code [minGateway, belowGateway)} (no upper bound
   * when empty) and exactly this rule ABI.
   */
  public record Compatibility(
      GatewayVersion minGateway, Optional<GatewayVersion> belowGateway, int ruleAbi) {
    public Compatibility {
      Objects.requireNonNull(minGateway, "minGateway");
      Objects.requireNonNull(belowGateway, "belowGateway");
    }

    public boolean accepts(GatewayVersion gateway) {
      return gateway.compareTo(minGateway) >= 0
          && belowGateway.map(b -> gateway.compareTo(b) < 0).orElse(true);
    }

    /** {@code >=0.1.0 <1.0.0}, for messages. */
    public String range() {
      return ">=" + minGateway + belowGateway.map(b -> " <" + b).orElse("");
    }
  }

  /** A file of the image: its path inside the archive, size in bytes and SHA-256 (hex). */
  public record Payload(String path, long size, String sha256) {
    public Payload {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(sha256, "sha256");
    }
  }

  /**
   * One rule: its name (as the gateway names it; equals the name in its manifest), its module and
   * manifest files, and optional self-test vectors.
   */
  public record RuleEntry(
      String name, Payload module, Payload manifest, Optional<SelfTest> selfTest) {
    public RuleEntry {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(module, "module");
      Objects.requireNonNull(manifest, "manifest");
      Objects.requireNonNull(selfTest, "selfTest");
    }
  }

  /**
   * Self-test vectors of a rule: events in (the JSONL of {@code edgerule rule record}) and the
   * actions expected out (the JSONL {@code edgerule rule test} prints for them).
   */
  public record SelfTest(Payload events, Payload expected) {
    public SelfTest {
      Objects.requireNonNull(events, "events");
      Objects.requireNonNull(expected, "expected");
    }
  }

  /** Every payload the manifest lists, in document order. */
  public List<Payload> payloads() {
    return rules.stream()
        .flatMap(
            r ->
                r
                    .selfTest()
                    .map(t -> List.of(r.module(), r.manifest(), t.events(), t.expected()))
                    .orElse(List.of(r.module(), r.manifest()))
                    .stream())
        .toList();
  }
}
