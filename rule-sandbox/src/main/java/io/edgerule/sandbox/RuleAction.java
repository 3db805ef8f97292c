package io.edgerule.sandbox;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.slf4j.event.Level;

/**
 * What a rule asks the gateway to do. Actions are staged during a call and handed to the daemon
 * only in a {@link RuleOutcome.Committed}; every action was checked against the manifest when the
 * rule emitted it.
 */
public sealed interface RuleAction
    permits RuleAction.WritePoint,
        RuleAction.Publish,
        RuleAction.RaiseAlarm,
        RuleAction.ClearAlarm,
        RuleAction.Log {

  /** Write a value to a device point (one the manifest lists under writable_points). */
  record WritePoint(PointId point, PointValue value) implements RuleAction {
    public WritePoint {
      Objects.requireNonNull(point, "point");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * Publish an MQTT message. The topic is relative to the rule: the daemon publishes it at {@code
   * edgerule/<gateway>/rules/<rule>/<topic>}. The payload array is copied in and out.
   */
  record Publish(String topic, byte[] payload, int qos, boolean retain) implements RuleAction {
    public Publish {
      Objects.requireNonNull(topic, "topic");
      payload = payload.clone();
      if (qos < 0 || qos > 2) {
        throw new IllegalArgumentException("qos must be 0, 1 or 2, not " + qos);
      }
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Publish p
          && p.topic.equals(topic)
          && Arrays.equals(p.payload, payload)
          && p.qos == qos
          && p.retain == retain;
    }

    @Override
    public int hashCode() {
      return Objects.hash(topic, Arrays.hashCode(payload), qos, retain);
    }

    @Override
    public String toString() {
      return "Publish[topic="
          + topic
          + ", payload="
          + HexFormat.of().formatHex(payload)
          + ", qos="
          + qos
          + ", retain="
          + retain
          + "]";
    }
  }

  /**
   * Raise (or re-raise with a new message) a named alarm; severity 1 (lowest) to 1000. A message
   * from a rule has its control characters escaped (one line, safe for a log).
   */
  record RaiseAlarm(String alarm, int severity, String message) implements RuleAction {
    public RaiseAlarm {
      Objects.requireNonNull(alarm, "alarm");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Clear a named alarm. */
  record ClearAlarm(String alarm) implements RuleAction {
    public ClearAlarm {
      Objects.requireNonNull(alarm, "alarm");
    }
  }

  /**
   * A log line from the rule, for the gateway's log; from a rule it is already one line with its
   * control characters escaped (a line break shows as {@code \n}, see {@code LogText}).
   */
  record Log(Level level, String message) implements RuleAction {
    public Log {
      Objects.requireNonNull(level, "level");
      Objects.requireNonNull(message, "message");
    }
  }
}
