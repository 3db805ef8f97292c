package io.edgerule.daemon.cli;

import io.edgerule.adapter.DurationText;
import io.edgerule.ota.device.DownloadIndex;
import io.edgerule.ota.device.MqttImageFetch;
import io.edgerule.ota.fleet.Rollout;
import io.edgerule.ota.fleet.RolloutImage;
import io.edgerule.ota.fleet.Wave;
import io.edgerule.ota.image.ImageLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule fleet rollout start}: publishes a new rollout document of a published image.
 * Waves: an optional canary list first, then growing percentages of the fleet (by a stable hash of
 * the gateway id). Each judgement setting takes one value for every wave or one per wave (canary
 * first). The rollout then waits for a controller ({@code fleet rollout drive}) to judge its waves.
 */
@Command(
    name = "start",
    description =
        "Start a rollout of a published image: a canary wave and/or growing percentages, each"
            + " judged on its own settings. Run 'fleet rollout drive' to move it on.",
    mixinStandardHelpOptions = true)
final class RolloutStartCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--image",
      required = true,
      paramLabel = "FILE",
      description = "The image (.rimg), published with 'fleet publish'.")
  Path image;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description = "The rollout's id (default: NAME-VERSION of the image).")
  String id;

  @Option(
      names = "--canary",
      split = ",",
      paramLabel = "GATEWAY",
      description = "Gateway ids of a first, canary wave (comma-separated).")
  List<String> canary = new ArrayList<>();

  @Option(
      names = "--waves",
      split = ",",
      paramLabel = "PERCENT",
      description = "Growing percentages of the fleet, one wave each, e.g. 10,50,100.")
  List<Double> percents = new ArrayList<>();

  @Option(
      names = "--min-sample",
      split = ",",
      paramLabel = "N",
      description =
          "Finished gateways a wave needs before it is judged (default: the canary list's size, 5"
              + " for a percentage wave).")
  List<Integer> minSample = new ArrayList<>();

  @Option(
      names = "--success",
      split = ",",
      paramLabel = "PERCENT",
      description = "Committed / finished at which a wave passes (default 95).")
  List<Double> success = new ArrayList<>();

  @Option(
      names = "--error",
      split = ",",
      paramLabel = "PERCENT",
      description = "Failed / finished above which the rollout stops (default 5).")
  List<Double> error = new ArrayList<>();

  @Option(
      names = "--soak",
      split = ",",
      paramLabel = "TIME",
      description = "Time a wave runs before it can pass (default 10m).")
  List<String> soak = new ArrayList<>();

  @Option(
      names = "--timeout",
      split = ",",
      paramLabel = "TIME",
      description = "After this a wave neither passed nor failed pauses the rollout (default 1h).")
  List<String> timeout = new ArrayList<>();

  @Option(
      names = "--approval",
      split = ",",
      paramLabel = "WAVE",
      description =
          "Waves (0-based, the canary is 0) after which the rollout pauses for 'fleet rollout"
              + " approve'.")
  List<Integer> approval = new ArrayList<>();

  @Option(
      names = "--url",
      split = ",",
      paramLabel = "URL",
      description =
          "An https:// URL that serves the image (a CDN, an object store), tried in order before the"
              + " MQTT chunks by gateways whose ota.http allows its host (comma-separated or"
              + " repeated, at most 8). Each is fetched first to check it serves the image.")
  List<String> urls = new ArrayList<>();

  @Option(
      names = "--no-url-check",
      description = "Do not fetch the --url(s) first (a URL this machine cannot reach).")
  boolean noUrlCheck;

  @Mixin FleetChangeOptions fleet;

  @Override
  public Integer call() {
    return FleetRun.run(
        spec,
        out -> {
          byte[] file = FleetRun.read("--image", image, ImageLimits.defaults().maxImageBytes());
          RolloutImage img =
              FleetPublishCommand.describeSigned(file, image.toString()).withUrls(urls());
          if (!noUrlCheck) {
            img.urls().forEach(u -> UrlCheck.serves(u, file, img.sha256()));
          }
          String rolloutId = id != null ? id : img.id().name() + "-" + img.id().version();
          List<Wave> waves = waves();
          try {
            // the document's own checks (ids, growing percentages, canaries once) before anything
            // is published
            new Rollout(
                rolloutId,
                1,
                img,
                io.edgerule.ota.fleet.RolloutState.RUNNING,
                0,
                false,
                waves,
                java.time.Instant.EPOCH,
                java.time.Instant.EPOCH,
                java.time.Instant.EPOCH,
                "");
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                (id == null ? "the rollout (id from the image: --id to choose one)" : "--id/waves")
                    + ": "
                    + e.getMessage());
          }
          try (FleetSession s = fleet.open()) {
            Optional<byte[]> index =
                s.retained(MqttImageFetch.indexTopic(s.topics().prefix(), img.sha256()));
            if (index.isEmpty()) {
              throw new IllegalStateException(
                  image
                      + " is not published on "
                      + s.broker()
                      + ": run 'edgerule fleet publish "
                      + image
                      + "' first");
            }
            DownloadIndex idx = DownloadIndex.parse(index.get(), "the published index");
            if (idx.size() != img.size()) {
              throw new IllegalStateException(
                  "the published index of " + img.sha256() + " says " + idx.size() + " bytes");
            }
            Rollout r =
                FleetSession.await(
                    s.controller().begin(rolloutId, img, waves),
                    Duration.ofMinutes(2),
                    "starting the rollout");
            out.println("started " + FleetText.rollout(r));
            r.image().urls().forEach(u -> out.println("  served at " + u));
            for (int i = 0; i < r.waves().size(); i++) {
              out.println("  " + FleetText.wave(i, r.waves().get(i)));
            }
            out.println("drive it with: edgerule fleet rollout drive");
          }
          return ExitCodes.OK;
        });
  }

  /** The --url options, checked (https or http, a host, no credentials). */
  List<java.net.URI> urls() {
    List<java.net.URI> out = new ArrayList<>();
    for (String u : urls) {
      out.add(RolloutImage.parseUrl("--url", u.strip()));
    }
    if (out.size() > RolloutImage.MAX_URLS) {
      throw new IllegalArgumentException(
          "--url: " + out.size() + " URLs; at most " + RolloutImage.MAX_URLS);
    }
    return out;
  }

  /** The waves the options describe; errors name the option and the wave. */
  List<Wave> waves() {
    int n = (canary.isEmpty() ? 0 : 1) + percents.size();
    if (n == 0) {
      throw new IllegalArgumentException("give --canary GATEWAY,... and/or --waves PERCENT,...");
    }
    if (n > Rollout.MAX_WAVES) {
      throw new IllegalArgumentException(
          "at most " + Rollout.MAX_WAVES + " waves (--canary counts as one), got " + n);
    }
    for (int a : approval) {
      if (a < 0 || a >= n) {
        throw new IllegalArgumentException(
            "--approval: wave " + a + " is not one of the " + n + " waves (0.." + (n - 1) + ")");
      }
    }
    List<Wave> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean isCanary = !canary.isEmpty() && i == 0;
      int defaultSample = isCanary ? canary.size() : 5;
      int sample = pick("--min-sample", minSample, i, n, defaultSample);
      double ok = pick("--success", success, i, n, 95.0);
      double bad = pick("--error", error, i, n, 5.0);
      Duration soakTime = duration("--soak", pick("--soak", soak, i, n, "10m"));
      Duration limit = duration("--timeout", pick("--timeout", timeout, i, n, "1h"));
      double percent = isCanary ? 0 : percents.get(i - (canary.isEmpty() ? 0 : 1));
      try {
        out.add(
            new Wave(
                isCanary ? canary : List.of(),
                percent,
                sample,
                ok,
                bad,
                soakTime,
                limit,
                approval.contains(i)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "wave "
                + i
                + " ("
                + (isCanary ? "--canary" : "--waves " + percent)
                + "): "
                + e.getMessage());
      }
    }
    return out;
  }

  /** One value for every wave, or one per wave. */
  private static <T> T pick(String option, List<T> values, int wave, int waves, T fallback) {
    if (values.isEmpty()) {
      return fallback;
    }
    if (values.size() == 1) {
      return values.get(0);
    }
    if (values.size() != waves) {
      throw new IllegalArgumentException(
          option
              + ": "
              + values.size()
              + " values for "
              + waves
              + " waves: give one value for all, or one per wave (the canary first)");
    }
    return values.get(wave);
  }

  private static Duration duration(String option, String text) {
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }
}
