package io.edgerule.daemon.config;

import io.edgerule.adapter.DurationText;
import io.edgerule.ota.device.TrialPolicy;
import io.edgerule.ota.image.ImageLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Over-the-air updates of the gateway's rules ({@code ota:}): whether the gateway follows the
 * fleet's rollouts and rollback switches over MQTT, the trust root images and switches are verified
 * against, how an image is tried before it is committed, and download limits. Documented in
 * docs/reference/config.md; the behaviour in docs/concepts/ota.md.
 *
 * @param enabled follow rollouts and rollback switches (default false: an image already committed
 *     still runs, nothing new is installed)
 * @param trustRoot the trust root the gateway was provisioned with ({@code edgerule keys trust-root
 *     create}); copied to {@code <state_dir>/trust/root.json} the first time, later only replaced
 *     by a newer root signed by the old one; required when enabled
 * @param selfTest run the image's self-test vectors before anything else (default true)
 * @param shadow how long the new versions run in shadow mode beside the running ones (0: no shadow
 *     phase; default 60s)
 * @param trialWindow how long the image runs live under the health gate before it is committed
 *     (default 5m)
 * @param checkEvery how often the health gate looks (default 1s)
 * @param maxTrialBoots starts during a live trial after which the gateway falls back by itself
 * @param maxTraps traps allowed during the trial window (default 0)
 * @param maxDeadlineMisses deadline misses allowed during the trial window (default 0)
 * @param maxErrorRate failed calls / calls allowed over the trial window (0..1, default 0.01)
 * @param maxImageSize a rollout whose image is larger is refused without downloading it
 * @param downloadTimeout a download not complete after this is given up (REJECTED), whatever its
 *     sources
 * @param chunkTimeout how long a source may bring no new chunk: over MQTT the chunks are then asked
 *     for again, over HTTP a connection is broken off (and a new one made); also the HTTP connect
 *     timeout and the longest wait for a response
 * @param http downloads from the URLs a rollout names ({@link OtaHttp})
 */
public record OtaSection(
    Boolean enabled,
    Path trustRoot,
    Boolean selfTest,
    Duration shadow,
    Duration trialWindow,
    Duration checkEvery,
    Integer maxTrialBoots,
    Long maxTraps,
    Long maxDeadlineMisses,
    Double maxErrorRate,
    ByteSize maxImageSize,
    Duration downloadTimeout,
    Duration chunkTimeout,
    OtaHttp http) {
  // Before DEFAULTS: the constructor reads it.
  private static final long MAX_IMAGE = ImageLimits.defaults().maxImageBytes();

  public static final OtaSection DEFAULTS =
      new OtaSection(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null);

  /** A section without {@code http:} settings (images come over MQTT only). */
  public OtaSection(
      Boolean enabled,
      Path trustRoot,
      Boolean selfTest,
      Duration shadow,
      Duration trialWindow,
      Duration checkEvery,
      Integer maxTrialBoots,
      Long maxTraps,
      Long maxDeadlineMisses,
      Double maxErrorRate,
      ByteSize maxImageSize,
      Duration downloadTimeout,
      Duration chunkTimeout) {
    this(
        enabled,
        trustRoot,
        selfTest,
        shadow,
        trialWindow,
        checkEvery,
        maxTrialBoots,
        maxTraps,
        maxDeadlineMisses,
        maxErrorRate,
        maxImageSize,
        downloadTimeout,
        chunkTimeout,
        null);
  }

  public OtaSection {
    TrialPolicy d = TrialPolicy.DEFAULTS;
    enabled = enabled != null && enabled;
    selfTest = selfTest == null || selfTest;
    shadow = within("shadow", shadow, d.shadowWindow(), Duration.ZERO, Duration.ofDays(1));
    trialWindow =
        within("trial_window", trialWindow, d.trialWindow(), Duration.ZERO, Duration.ofDays(30));
    checkEvery =
        within(
            "check_every",
            checkEvery,
            d.checkEvery(),
            Duration.ofMillis(10),
            Duration.ofMinutes(10));
    downloadTimeout =
        within(
            "download_timeout",
            downloadTimeout,
            Duration.ofMinutes(30),
            Duration.ofSeconds(1),
            Duration.ofDays(7));
    chunkTimeout =
        within(
            "chunk_timeout",
            chunkTimeout,
            Duration.ofSeconds(60),
            Duration.ofSeconds(1),
            Duration.ofHours(1));
    http = http == null ? OtaHttp.DEFAULTS : http;
    maxTrialBoots = within("max_trial_boots", maxTrialBoots, d.maxTrialBoots(), 1, 1000, "1..1000");
    maxTraps = within("max_traps", maxTraps, d.maxTraps(), 0L, Long.MAX_VALUE, "0 or more");
    maxDeadlineMisses =
        within(
            "max_deadline_misses",
            maxDeadlineMisses,
            d.maxDeadlineMisses(),
            0L,
            Long.MAX_VALUE,
            "0 or more");
    maxErrorRate =
        within(
            "max_error_rate",
            maxErrorRate,
            d.maxErrorRate(),
            0.0,
            1.0,
            "0..1 (failed calls / calls)"); // NaN compares above 1: refused
    maxImageSize = maxImageSize == null ? new ByteSize(MAX_IMAGE) : maxImageSize;
    if (maxImageSize.bytes() < 1024 || maxImageSize.bytes() > MAX_IMAGE) {
      throw new IllegalArgumentException(
          "max_image_size: must be 1 KiB.."
              + new ByteSize(MAX_IMAGE)
              + " (the verifier's own cap), got "
              + maxImageSize);
    }
    if (enabled && trustRoot == null) {
      throw new IllegalArgumentException(
          "enabled: needs trust_root: the trust root file images and rollback switches are"
              + " verified against (edgerule keys trust-root create)");
    }
  }

  private static Duration within(
      String key, Duration value, Duration fallback, Duration min, Duration max) {
    return within(
        key, value, fallback, min, max, DurationText.format(min) + ".." + DurationText.format(max));
  }

  /**
   * {@code value}, or {@code fallback} when the key is not given, refused unless within {@code
   * min..max}: the message names the key, the range (as {@code range} says it) and the value.
   */
  private static <T extends Comparable<? super T>> T within(
      String key, T value, T fallback, T min, T max, String range) {
    T v = value == null ? fallback : value;
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      String got = v instanceof Duration t ? DurationText.format(t) : String.valueOf(v);
      throw new IllegalArgumentException(key + ": must be " + range + ", got " + got);
    }
    return v;
  }

  /** How an image is tried (the self-test switch is the deploy port's: see {@code selfTest}). */
  public TrialPolicy trialPolicy() {
    return new TrialPolicy(
        shadow, trialWindow, checkEvery, maxTrialBoots, maxTraps, maxDeadlineMisses, maxErrorRate);
  }

  OtaSection resolveAgainst(Path dir) {
    return new OtaSection(
        enabled,
        trustRoot == null ? null : dir.resolve(trustRoot),
        selfTest,
        shadow,
        trialWindow,
        checkEvery,
        maxTrialBoots,
        maxTraps,
        maxDeadlineMisses,
        maxErrorRate,
        maxImageSize,
        downloadTimeout,
        chunkTimeout,
        http.resolveAgainst(dir));
  }
}
