package io.edgerule.daemon.namespace;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.WriteResult;
import io.edgerule.mqtt.outbox.OutboundMessage;
import io.edgerule.mqtt.outbox.Publisher;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * How the gateway's events look on the wire: the one place that decides topics, payloads, QoS,
 * retain flags and message classes of everything the gateway publishes, and how commands from the
 * fleet are read. {@code mqtt.namespace} in the config chooses the implementation ({@code json}:
 * {@link io.edgerule.daemon.namespace.json.JsonNamespace}; {@code sparkplug}: Sparkplug B). Nothing
 * else in the daemon builds a topic or a payload.
 *
 * <p>Events are handed to {@code out} as zero or more messages (Sparkplug may need a DBIRTH before
 * a device's first DDATA); {@code out} never blocks and never throws. Methods are called from
 * several threads (the dispatch thread for telemetry, rule threads for alarms and publications,
 * adapter threads for write results, the MQTT client's threads for commands and births): an
 * implementation that keeps state (sequence numbers, aliases) guards it and calls {@code out} under
 * its guard, so the order of its messages is the order it numbered them.
 */
public interface FleetNamespace {

  /** The config name: {@code json}, {@code sparkplug}. */
  String name();

  // ---- connection lifecycle ----

  /**
   * The last will to register for the next connection attempt (asked before each attempt, so it may
   * change per connection).
   */
  OutboundMessage will();

  /** What to publish first on every (re)connect, before anything else goes out. */
  void birth(Consumer<OutboundMessage> out);

  /** What to publish at a clean shutdown, before disconnecting (so no will is sent). */
  void death(GatewayState finalState, Consumer<OutboundMessage> out);

  // ---- outbound events ----

  /** One point event (telemetry {@code per_point}). */
  void telemetry(PointEvent event, Consumer<OutboundMessage> out);

  /**
   * Several events of one device in sequence order (telemetry {@code batch}): every event, also
   * several of the same point; none is merged away.
   */
  void telemetryBatch(String device, List<PointEvent> events, Consumer<OutboundMessage> out);

  void alarm(AlarmChange change, Consumer<OutboundMessage> out);

  void writeResult(WriteResult result, Instant time, Consumer<OutboundMessage> out);

  /**
   * A rule's own publication, exactly one message (the rule outbox counts it in flight).
   *
   * @param topic the rule-relative topic its manifest grants
   */
  OutboundMessage rulePublication(
      String rule, String topic, byte[] payload, int qos, boolean retain);

  /** The periodic state snapshot. */
  void state(GatewayState state, Consumer<OutboundMessage> out);

  void commandResult(CommandResult result, Consumer<OutboundMessage> out);

  /**
   * A device came up ({@code up}) or went down, as its adapter's health says ({@link
   * DeviceHealthWatch}). Sparkplug B sends DBIRTH and DDEATH; the JSON namespace has the state
   * message for it and sends nothing.
   */
  default void deviceHealth(String device, boolean up, Consumer<OutboundMessage> out) {}

  /**
   * How this namespace's stored messages reach the broker. Null (the default): the forwarder
   * publishes them on the transport as they are. Otherwise the uplink's forwarder publishes them
   * through {@link Wire#forwarding()} and its births and deaths go through {@link Wire#straight}
   * (Sparkplug B: the wire numbers {@code seq} as messages go out and marks data of an earlier
   * session historical).
   */
  default Wire wire(Publisher transport) {
    return null;
  }

  /**
   * The last step before the transport, for a namespace whose messages depend on the session they
   * go out in. Every message of class {@code BIRTH_DEATH} is sent {@link #straight} (never stored:
   * a stale birth or death replayed later would be wrong); every other message goes through the
   * outbox and then {@link #forwarding()}.
   */
  interface Wire {
    /** A birth or death: completes when sent, fails at once when it cannot be sent now. */
    CompletionStage<Void> straight(OutboundMessage m);

    /** Where the forwarder publishes stored messages. */
    Publisher forwarding();

    /** Stored messages dropped on the wire (counted in the state message's uplink drops). */
    long dropped();
  }

  // ---- inbound ----

  /** The topic filters to subscribe to for commands (re-subscribed after every reconnect). */
  List<String> commandFilters();

  /**
   * Reads a message that arrived on one of {@link #commandFilters()}. Never throws: a message that
   * is not a valid command is a {@link FleetCommand.Invalid} saying what is wrong.
   *
   * @param payload may be null or of any size
   */
  FleetCommand decode(String topic, byte[] payload);

  /**
   * Every command in one message (a Sparkplug DCMD may write several metrics at once), each
   * answered on its own. Never throws, never empty.
   */
  default List<FleetCommand> decodeAll(String topic, byte[] payload) {
    return List.of(decode(topic, payload));
  }
}
