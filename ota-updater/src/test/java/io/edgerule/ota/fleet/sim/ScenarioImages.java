package io.edgerule.ota.fleet.sim;

import io.edgerule.ota.image.GatewayVersion;
import io.edgerule.ota.image.ImageBuilder;
import io.edgerule.ota.image.ImageLimits;
import io.edgerule.ota.image.ImageManifest;
import io.edgerule.ota.image.ImageSigning;
import io.edgerule.ota.trust.Pae;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.TrustRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The scenario's trust root and its signed images (the example pump rule, two versions). */
final class ScenarioImages {
  private ScenarioImages() {}

  static TrustRoot root(Signer key, Instant now) throws Exception {
    TrustRoot r =
        TrustRoot.unsigned(
            new TrustRoot.Content(
                1, now.plus(Duration.ofDays(365)), 1, 1, List.of(key.publicKey()), Set.of()));
    byte[] sig = key.sign(Pae.encode(Pae.ROOT_TYPE, r.payload()));
    return r.withSignature(new SignatureEntry(key.publicKey().id(), sig));
  }

  static byte[] image(Path examples, String version, long sv, Signer key, Instant now)
      throws Exception {
    ImageBuilder.Header h =
        new ImageBuilder.Header(
            "plant",
            version,
            sv,
            now.minus(Duration.ofHours(1)),
            now.plus(Duration.ofDays(30)),
            new ImageManifest.Compatibility(
                GatewayVersion.parse("0.1.0"), Optional.of(GatewayVersion.parse("1.0.0")), 1));
    ImageBuilder.RuleFiles pump =
        new ImageBuilder.RuleFiles(
            Files.readAllBytes(examples.resolve("pump.wasm")),
            Files.readAllBytes(examples.resolve("pump.yaml")),
            Optional.empty(),
            Optional.empty());
    byte[] unsigned = ImageBuilder.build(h, List.of(pump), List.of("pump"));
    return ImageSigning.sign(unsigned, "plant-" + version + ".rimg", key, ImageLimits.defaults());
  }
}
