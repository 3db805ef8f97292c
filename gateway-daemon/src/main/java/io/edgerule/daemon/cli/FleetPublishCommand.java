package io.edgerule.daemon.cli;

import io.edgerule.ota.device.DownloadIndex;
import io.edgerule.ota.fleet.ImagePublisher;
import io.edgerule.ota.fleet.RolloutImage;
import io.edgerule.ota.image.ImageArchive;
import io.edgerule.ota.image.ImageLimits;
import io.edgerule.ota.image.ImageRejected;
import io.edgerule.ota.image.ImageSigning;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule fleet publish IMAGE}: puts a signed image where gateways download it (retained
 * chunks, then the index, on {@code <prefix>/images/<sha256>/...}); with {@code --index-only} only
 * the index, for an image gateways download from URLs. Publishing the same image again is harmless.
 */
@Command(
    name = "publish",
    description =
        "Put a signed image (.rimg) on the broker for gateways to download: retained chunks, then"
            + " its index. Prints the image's SHA-256, which a rollout names.",
    mixinStandardHelpOptions = true)
final class FleetPublishCommand implements Callable<Integer> {
  static final int MIN_CHUNK = 1024;
  static final int MAX_CHUNK = 1024 * 1024;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "IMAGE", description = "The signed image (.rimg).")
  Path image;

  @Option(
      names = "--chunk-size",
      paramLabel = "BYTES",
      defaultValue = "65536",
      description = "Bytes per chunk, 1024..1048576 (default ${DEFAULT-VALUE}).")
  int chunkSize;

  @Option(
      names = "--index-only",
      description =
          "Publish only the index (every chunk's SHA-256), not the chunks: for an image gateways"
              + " download from the URL(s) of 'rollout start --url'. They then have no MQTT"
              + " fallback.")
  boolean indexOnly;

  @Mixin FleetChangeOptions fleet;

  @Override
  public Integer call() {
    return FleetRun.run(
        spec,
        out -> {
          if (chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK) {
            throw new IllegalArgumentException(
                "--chunk-size: must be " + MIN_CHUNK + ".." + MAX_CHUNK + ", got " + chunkSize);
          }
          byte[] file = FleetRun.read("IMAGE", image, ImageLimits.defaults().maxImageBytes());
          RolloutImage described = describeSigned(file, image.toString());
          try (FleetSession s = fleet.open()) {
            int chunks = DownloadIndex.of(file, chunkSize).chunks().size();
            s.controller()
                .audit(
                    "publish",
                    null,
                    "image "
                        + described
                        + ", "
                        + file.length
                        + " bytes in "
                        + chunks
                        + " chunks"
                        + (indexOnly ? " (index only)" : ""));
            FleetSession.await(
                indexOnly
                    ? ImagePublisher.publishIndex(s.link(), s.topics().prefix(), file, chunkSize)
                    : ImagePublisher.publish(s.link(), s.topics().prefix(), file, chunkSize),
                Duration.ofMinutes(10),
                "publishing " + image);
            out.printf(
                "published %s%s: %d bytes in %d chunk(s)%s, retained on %s/images/%s/%n",
                indexOnly ? "the index of " : "",
                FleetText.image(described.id()),
                file.length,
                chunks,
                indexOnly ? " (not the chunks: gateways download it from a URL)" : "",
                s.topics().prefix(),
                described.sha256());
            out.println("sha256 " + described.sha256());
          }
          return ExitCodes.OK;
        });
  }

  /**
   * The image as a rollout names it; an image without any signature is refused (every gateway would
   * refuse it: sign it first).
   */
  static RolloutImage describeSigned(byte[] file, String name) throws ImageRejected {
    RolloutImage d = ImagePublisher.describe(file, name);
    ImageArchive.Contents c = ImageArchive.read(file, name, ImageLimits.defaults());
    if (ImageSigning.existing(c).isEmpty()) {
      throw new IllegalArgumentException(
          name + " has no signature: sign it first (edgerule image sign " + name + " --key ...)");
    }
    return d;
  }
}
