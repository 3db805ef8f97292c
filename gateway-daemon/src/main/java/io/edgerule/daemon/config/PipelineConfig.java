package io.edgerule.daemon.config;

import java.time.Duration;

/**
 * Sizing of the event pipeline.
 *
 * @param queueCapacity events buffered between adapters and rules; when full the oldest event is
 *     dropped and counted (adapters never block)
 * @param batchSize the most events handed to one rule in one call
 * @param ruleThreads threads that run rule batches (each rule runs one batch at a time)
 * @param healthInterval how often the state/health snapshot is published
 */
public record PipelineConfig(
    Integer queueCapacity, Integer batchSize, Integer ruleThreads, Duration healthInterval) {
  public static final PipelineConfig DEFAULTS = new PipelineConfig(null, null, null, null);

  public PipelineConfig {
    queueCapacity = queueCapacity == null ? 10_000 : queueCapacity;
    batchSize = batchSize == null ? 64 : batchSize;
    ruleThreads = ruleThreads == null ? 2 : ruleThreads;
    healthInterval = healthInterval == null ? Duration.ofSeconds(30) : healthInterval;
    if (queueCapacity < 16 || queueCapacity > 10_000_000) {
      throw new IllegalArgumentException(
          "queue_capacity must be 16..10000000, got " + queueCapacity);
    }
    if (batchSize < 1 || batchSize > 4096) {
      throw new IllegalArgumentException("batch_size must be 1..4096, got " + batchSize);
    }
    if (ruleThreads < 1 || ruleThreads > 64) {
      throw new IllegalArgumentException("rule_threads must be 1..64, got " + ruleThreads);
    }
    if (healthInterval.toMillis() < 1000) {
      throw new IllegalArgumentException(
          "health_interval must be at least 1s, got " + healthInterval);
    }
  }
}
