package io.edgerule.daemon.namespace.json;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.namespace.AlarmChange;
import io.edgerule.daemon.namespace.CommandResult;
import io.edgerule.daemon.namespace.FleetCommand;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The gateway's own JSON scheme ({@code mqtt.namespace: json}, the default;
 * docs/reference/mqtt.md): one topic per point, alarm and write target under {@code
 * <prefix>/<gateway>/}, JSON bodies, commands on {@code cmd/<name>}. Keeps no state: safe from any
 * thread.
 */
public final class JsonNamespace implements FleetNamespace {
  /** The largest command payload read (larger ones are answered INVALID unread). */
  public static final int MAX_COMMAND_BYTES = JsonCommandDecoder.MAX_PAYLOAD_BYTES;

  private final JsonTopics topics;
  private final int telemetryQos;

  /**
   * @param telemetryQos QoS of telemetry messages ({@code mqtt.telemetry_qos})
   */
  public JsonNamespace(JsonTopics topics, int telemetryQos) {
    this.topics = topics;
    this.telemetryQos = telemetryQos;
  }

  /** With telemetry at QoS 0. */
  public JsonNamespace(JsonTopics topics) {
    this(topics, 0);
  }

  public JsonTopics topics() {
    return topics;
  }

  @Override
  public String name() {
    return "json";
  }

  @Override
  public OutboundMessage will() {
    return new OutboundMessage(
        topics.state(),
        JsonPayloads.status("offline", "connection lost"),
        1,
        true,
        MessageClass.BIRTH_DEATH);
  }

  @Override
  public void birth(Consumer<OutboundMessage> out) {
    out.accept(
        new OutboundMessage(
            topics.state(),
            JsonPayloads.status("online", null),
            1,
            true,
            MessageClass.BIRTH_DEATH));
  }

  @Override
  public void death(GatewayState finalState, Consumer<OutboundMessage> out) {
    out.accept(
        new OutboundMessage(
            topics.state(), JsonPayloads.state(finalState), 1, true, MessageClass.BIRTH_DEATH));
  }

  @Override
  public void telemetry(PointEvent event, Consumer<OutboundMessage> out) {
    out.accept(
        new OutboundMessage(
            topics.telemetry(event.point()),
            JsonPayloads.telemetry(event),
            telemetryQos,
            false,
            MessageClass.TELEMETRY));
  }

  @Override
  public void telemetryBatch(
      String device, List<PointEvent> events, Consumer<OutboundMessage> out) {
    if (events.isEmpty()) {
      return;
    }
    out.accept(
        new OutboundMessage(
            topics.telemetryBatch(device),
            JsonPayloads.telemetryBatch(device, events),
            telemetryQos,
            false,
            MessageClass.TELEMETRY));
  }

  @Override
  public void alarm(AlarmChange change, Consumer<OutboundMessage> out) {
    out.accept(
        new OutboundMessage(
            topics.alarm(change.rule(), change.alarm()),
            JsonPayloads.alarm(change),
            1,
            true,
            MessageClass.ALARM));
  }

  @Override
  public void writeResult(WriteResult result, Instant time, Consumer<OutboundMessage> out) {
    out.accept(
        new OutboundMessage(
            topics.writeResult(result.command().point()),
            JsonPayloads.writeResult(result, time),
            1,
            false,
            MessageClass.WRITE_RESULT));
  }

  @Override
  public OutboundMessage rulePublication(
      String rule, String topic, byte[] payload, int qos, boolean retain) {
    return new OutboundMessage(
        topics.rule(rule, topic), payload, qos, retain, MessageClass.RULE_PUBLICATION);
  }

  @Override
  public void state(GatewayState state, Consumer<OutboundMessage> out) {
    out.accept(
        new OutboundMessage(
            topics.state(), JsonPayloads.state(state), 1, true, MessageClass.STATE));
  }

  @Override
  public void commandResult(CommandResult result, Consumer<OutboundMessage> out) {
    out.accept(
        new OutboundMessage(
            topics.commandResult(),
            JsonPayloads.commandResult(result),
            1,
            false,
            MessageClass.COMMAND_RESULT));
  }

  @Override
  public List<String> commandFilters() {
    return List.of(topics.commands());
  }

  @Override
  public FleetCommand decode(String topic, byte[] payload) {
    return JsonCommandDecoder.decode(topic, payload);
  }

  /** The state snapshot as JSON bytes (for {@code health} and tests). */
  public static byte[] stateJson(GatewayState state) {
    return JsonPayloads.state(state);
  }
}
