package io.edgerule.daemon.config;

import io.edgerule.adapter.DurationText;
import java.time.Duration;

/**
 * Sizing of the event pipeline.
 *
 * @param queueCapacity events buffered between adapters and rules; when full, the oldest event of
 *     the adapter with the most events queued is dropped and counted (adapters never block, and a
 *     flooding adapter loses its own events, not those of others)
 * @param batchSize the most events handed to one rule in one call
 * @param ruleThreads threads that run rule batches (each rule runs one batch at a time)
 * @param healthInterval how often the state/health snapshot is published
 * @param adapterTimeout the longest the gateway waits on an adapter: for a write's answer (then it
 *     is answered TIMEOUT), for its start (then its health says so) and for its close() at shutdown
 *     (then it is left behind)
 * @param alarmsPerRule most alarm names the gateway keeps for one rule (active or cleared); a new
 *     name then replaces the oldest cleared one, and when all are active the raise (or clear) is
 *     refused and counted against the rule ({@code alarms_refused})
 * @param ruleLogLines most gateway log lines one rule may cause per second (its log calls, alarm
 *     lines and write results); further lines are suppressed and counted ({@code
 *     log_lines_suppressed})
 * @param ruleCpuShare the share of one thread's CPU time one rule may use, over a one-second window
 *     (0.01..1); a rule over it has its next turn deferred until it is back within it
 * @param ruleWriteQueue most device writes of one rule (or MQTT client) waiting for one adapter;
 *     when full its oldest waiting write is answered REJECTED and counted ({@code writes_dropped})
 * @param rulePublishQueue most MQTT publications of one rule waiting for the uplink; beyond it (or
 *     {@code rulePublishBytes}) its oldest are dropped and counted ({@code publishes_dropped})
 * @param rulePublishBytes most bytes (payloads and topics) of one rule's waiting publications
 */
public record PipelineConfig(
    Integer queueCapacity,
    Integer batchSize,
    Integer ruleThreads,
    Duration healthInterval,
    Duration adapterTimeout,
    Integer alarmsPerRule,
    Integer ruleLogLines,
    Double ruleCpuShare,
    Integer ruleWriteQueue,
    Integer rulePublishQueue,
    Integer rulePublishBytes) {
  public static final PipelineConfig DEFAULTS =
      new PipelineConfig(null, null, null, null, null, null, null, null, null, null, null);

  public PipelineConfig {
    queueCapacity = queueCapacity == null ? 10_000 : queueCapacity;
    batchSize = batchSize == null ? 64 : batchSize;
    ruleThreads = ruleThreads == null ? 2 : ruleThreads;
    healthInterval = healthInterval == null ? Duration.ofSeconds(30) : healthInterval;
    adapterTimeout = adapterTimeout == null ? Duration.ofSeconds(10) : adapterTimeout;
    alarmsPerRule = alarmsPerRule == null ? 100 : alarmsPerRule;
    ruleLogLines = ruleLogLines == null ? 20 : ruleLogLines;
    ruleCpuShare = ruleCpuShare == null ? 0.5 : ruleCpuShare;
    ruleWriteQueue = ruleWriteQueue == null ? 64 : ruleWriteQueue;
    rulePublishQueue = rulePublishQueue == null ? 1000 : rulePublishQueue;
    rulePublishBytes = rulePublishBytes == null ? 4 * 1024 * 1024 : rulePublishBytes;
    if (queueCapacity < 16 || queueCapacity > 10_000_000) {
      throw new IllegalArgumentException(
          "queue_capacity: must be 16..10000000, got " + queueCapacity);
    }
    if (batchSize < 1 || batchSize > 4096) {
      throw new IllegalArgumentException("batch_size: must be 1..4096, got " + batchSize);
    }
    if (ruleThreads < 1 || ruleThreads > 64) {
      throw new IllegalArgumentException("rule_threads: must be 1..64, got " + ruleThreads);
    }
    if (healthInterval.toMillis() < 1000) {
      throw new IllegalArgumentException(
          "health_interval: must be at least 1s, got " + DurationText.format(healthInterval));
    }
    if (adapterTimeout.toMillis() < 100 || adapterTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(
          "adapter_timeout: must be 100ms..10m, got " + DurationText.format(adapterTimeout));
    }
    if (alarmsPerRule < 1 || alarmsPerRule > 10_000) {
      throw new IllegalArgumentException("alarms_per_rule: must be 1..10000, got " + alarmsPerRule);
    }
    if (ruleLogLines < 1 || ruleLogLines > 1_000_000) {
      throw new IllegalArgumentException("rule_log_lines: must be 1..1000000, got " + ruleLogLines);
    }
    if (!(ruleCpuShare >= 0.01 && ruleCpuShare <= 1)) {
      throw new IllegalArgumentException(
          "rule_cpu_share: must be 0.01..1 (of one thread), got " + ruleCpuShare);
    }
    if (ruleWriteQueue < 1 || ruleWriteQueue > 100_000) {
      throw new IllegalArgumentException(
          "rule_write_queue: must be 1..100000, got " + ruleWriteQueue);
    }
    if (rulePublishQueue < 1 || rulePublishQueue > 1_000_000) {
      throw new IllegalArgumentException(
          "rule_publish_queue: must be 1..1000000, got " + rulePublishQueue);
    }
    if (rulePublishBytes < 1024) {
      throw new IllegalArgumentException(
          "rule_publish_bytes: must be at least 1024, got " + rulePublishBytes);
    }
  }

  /** The sizing with the given {@code adapter_timeout} and default per-rule shares. */
  public PipelineConfig(
      Integer queueCapacity,
      Integer batchSize,
      Integer ruleThreads,
      Duration healthInterval,
      Duration adapterTimeout) {
    this(
        queueCapacity,
        batchSize,
        ruleThreads,
        healthInterval,
        adapterTimeout,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** The sizing with the default {@code adapter_timeout} (10 s). */
  public PipelineConfig(
      Integer queueCapacity, Integer batchSize, Integer ruleThreads, Duration healthInterval) {
    this(queueCapacity, batchSize, ruleThreads, healthInterval, null);
  }
}
