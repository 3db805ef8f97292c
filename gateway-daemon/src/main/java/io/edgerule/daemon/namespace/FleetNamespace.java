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
   * How this namespace's messages reach the broker. Null (the default): through the uplink's
   * store-and-forward outbox, births and deaths straight. Otherwise every message goes to the
   * returned sender, which puts it on {@code transport} at once or refuses it (Sparkplug B: its
   * data is QoS 0 and bound to one session, whose births carry the current values after an outage).
   */
  default DirectSender directSender(Publisher transport) {
    return null;
  }

  /** Sends a namespace's messages without the outbox (see {@link #directSender}). */
  @FunctionalInterface
  interface DirectSender {
    /** Completes when the broker has the message; fails at once when it cannot be sent now. */
    CompletionStage<Void> send(OutboundMessage m);
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
