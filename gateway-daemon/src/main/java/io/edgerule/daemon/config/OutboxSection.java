package io.edgerule.daemon.config;

import io.edgerule.adapter.DurationText;
import io.edgerule.mqtt.outbox.ClassBudget;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboxConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The disk-backed outbox of the MQTT uplink ({@code outbox:}). Every outbound message is kept there
 * until the broker acknowledged it.
 *
 * @param path the SQLite file; default {@code <gateway.state_dir>/outbox.db}; relative paths are
 *     resolved against the config file's folder
 * @param flush when appends reach the disk (see {@link FlushSetting})
 * @param budgets per message class ({@code telemetry}, {@code alarm}, {@code write_result}, {@code
 *     command_result}, {@code rule_publication}, {@code state}): the most bytes and the greatest
 *     age kept; unset values keep the defaults of {@link OutboxConfig#defaultBudgets()}
 * @param replayShare after a reconnect, the share of sends given to the backlog while live messages
 *     wait too (0 < share <= 1; default 0.5)
 */
public record OutboxSection(
    Path path, FlushSetting flush, Map<String, BudgetSetting> budgets, Double replayShare) {

  public static final OutboxSection DEFAULTS = new OutboxSection(null, null, null, null);

  /** One class's budget; an unset value keeps the class's default. */
  public record BudgetSetting(ByteSize maxBytes, Duration maxAge) {
    public BudgetSetting {
      if (maxBytes != null && maxBytes.bytes() < 4096) {
        throw new IllegalArgumentException("max_bytes: must be at least 4 KiB, got " + maxBytes);
      }
      if (maxAge != null && maxAge.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "max_age: must be at least 1s, got " + DurationText.format(maxAge));
      }
    }
  }

  public OutboxSection {
    flush = flush == null ? FlushSetting.DEFAULT : flush;
    budgets = budgets == null ? Map.of() : Map.copyOf(budgets);
    for (String name : budgets.keySet()) {
      if (classNamed(name) == null) {
        throw new IllegalArgumentException(
            "budgets."
                + name
                + ": unknown message class; one of "
                + Arrays.stream(MessageClass.values())
                    .map(OutboxSection::name)
                    .collect(Collectors.joining(", ")));
      }
    }
    replayShare = replayShare == null ? 0.5 : replayShare;
    if (!(replayShare > 0 && replayShare <= 1)) {
      throw new IllegalArgumentException(
          "replay_share: must be more than 0 and at most 1, got " + replayShare);
    }
  }

  /** The config name of a message class: {@code telemetry}, {@code write_result}, ... */
  public static String name(MessageClass c) {
    return c.name().toLowerCase(Locale.ROOT);
  }

  private static MessageClass classNamed(String name) {
    for (MessageClass c : MessageClass.values()) {
      if (name(c).equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** The outbox file: {@code path}, or {@code outbox.db} in the state folder. */
  public Path file(Path stateDir) {
    return path != null ? path : stateDir.resolve("outbox.db");
  }

  OutboxSection resolveAgainst(Path dir) {
    return new OutboxSection(MqttTls.resolve(dir, path), flush, budgets, replayShare);
  }

  /** The outbox's own config: defaults with this section's budgets over them. */
  public OutboxConfig outboxConfig(Path stateDir) {
    Map<MessageClass, ClassBudget> all = new EnumMap<>(OutboxConfig.defaultBudgets());
    budgets.forEach(
        (name, b) -> {
          MessageClass c = classNamed(name);
          ClassBudget d = all.get(c);
          all.put(
              c,
              new ClassBudget(
                  b.maxBytes() == null ? d.maxBytes() : b.maxBytes().bytes(),
                  b.maxAge() == null ? d.maxAge() : b.maxAge()));
        });
    return new OutboxConfig(file(stateDir), flush.policy(), all, java.time.Clock.systemUTC());
  }
}
