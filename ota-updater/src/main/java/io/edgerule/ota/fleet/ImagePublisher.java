package io.edgerule.ota.fleet;

import io.edgerule.ota.device.DownloadIndex;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.MqttImageFetch;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.device.internal.Sha256;
import io.edgerule.ota.image.ImageArchive;
import io.edgerule.ota.image.ImageLimits;
import io.edgerule.ota.image.ImageManifest;
import io.edgerule.ota.image.ImageManifestJson;
import io.edgerule.ota.image.ImageRejected;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Puts an image where gateways download it: every chunk, then the index, retained with QoS 1 on
 * {@code <prefix>/images/<sha256>/...} ({@link MqttImageFetch}). The index goes last, so a gateway
 * that sees it finds every chunk. Publishing the same file again sends the same messages: harmless.
 */
public final class ImagePublisher {
  /** Chunk size used unless told otherwise (64 KiB: well under every broker's message limit). */
  public static final int DEFAULT_CHUNK = 64 * 1024;

  private ImagePublisher() {}

  /**
   * What a rollout says about an image file: its SHA-256, size and the id its manifest gives. Only
   * the container and the manifest are read; signatures are for the gateways to check (an operator
   * runs {@code edgerule image verify} before).
   *
   * @throws ImageRejected if the file is not a readable image
   */
  public static RolloutImage describe(byte[] file, String name) throws ImageRejected {
    ImageArchive.Contents c = ImageArchive.read(file, name, ImageLimits.defaults());
    byte[] manifest = c.entries().get(ImageArchive.MANIFEST);
    if (manifest == null) {
      throw new ImageRejected(
          ImageRejected.Reason.MALFORMED, name + ": has no " + ImageArchive.MANIFEST);
    }
    ImageManifest m = ImageManifestJson.read(manifest, c.where(ImageArchive.MANIFEST));
    return new RolloutImage(
        Sha256.hex(file), file.length, new ImageId(m.name(), m.version(), m.securityVersion()));
  }

  /**
   * Publishes only the index of {@code file} (the hash of every chunk), for an image gateways
   * download from URLs ({@link RolloutImage#urls()}): the broker keeps a few KiB instead of the
   * image, and a gateway has no MQTT chunks to fall back on.
   *
   * @return the index published
   */
  public static CompletionStage<DownloadIndex> publishIndex(
      MqttLink mqtt, String prefix, byte[] file, int chunkSize) {
    DownloadIndex idx = DownloadIndex.of(file, chunkSize);
    return mqtt.publish(MqttImageFetch.indexTopic(prefix, idx.sha256()), idx.toJson(), 1, true)
        .thenApply(v -> idx);
  }

  /**
   * Publishes the chunks one after another (each after the broker acknowledged the one before, so
   * the transport's in-flight window is never exceeded), then the index.
   *
   * @return the index published
   */
  public static CompletionStage<DownloadIndex> publish(
      MqttLink mqtt, String prefix, byte[] file, int chunkSize) {
    DownloadIndex idx = DownloadIndex.of(file, chunkSize);
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (int n = 0; n < idx.chunks().size(); n++) {
      int i = n;
      chain =
          chain.thenCompose(
              v -> {
                int off = i * chunkSize;
                byte[] c = new byte[idx.lengthOf(i)];
                System.arraycopy(file, off, c, 0, c.length);
                return mqtt.publish(MqttImageFetch.chunkTopic(prefix, idx.sha256(), i), c, 1, true);
              });
    }
    return chain
        .thenCompose(
            v ->
                mqtt.publish(
                    MqttImageFetch.indexTopic(prefix, idx.sha256()), idx.toJson(), 1, true))
        .thenApply(v -> idx);
  }
}
