package io.edgerule.daemon.namespace.sparkplug;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.namespace.AlarmChange;
import io.edgerule.daemon.namespace.CommandResult;
import io.edgerule.daemon.namespace.FleetCommand;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** Stands in for the JSON namespace's bodies: recognisable texts the test can compare. */
final class FakeJsonNamespace implements FleetNamespace {
  static String commandResult(String command, String status) {
    return "result " + command + " " + status;
  }

  private static OutboundMessage text(String s) {
    return new OutboundMessage(
        "json", s.getBytes(StandardCharsets.UTF_8), 1, false, MessageClass.STATE);
  }

  @Override
  public String name() {
    return "json";
  }

  @Override
  public OutboundMessage will() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void birth(Consumer<OutboundMessage> out) {}

  @Override
  public void death(GatewayState finalState, Consumer<OutboundMessage> out) {}

  @Override
  public void telemetry(PointEvent event, Consumer<OutboundMessage> out) {}

  @Override
  public void telemetryBatch(
      String device, List<PointEvent> events, Consumer<OutboundMessage> out) {}

  @Override
  public void alarm(AlarmChange change, Consumer<OutboundMessage> out) {}

  @Override
  public void writeResult(WriteResult result, Instant time, Consumer<OutboundMessage> out) {
    out.accept(text("write " + result.command().point() + " " + result.status()));
  }

  @Override
  public OutboundMessage rulePublication(
      String rule, String topic, byte[] payload, int qos, boolean retain) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void state(GatewayState state, Consumer<OutboundMessage> out) {
    out.accept(text("state " + state.status()));
  }

  @Override
  public void commandResult(CommandResult result, Consumer<OutboundMessage> out) {
    out.accept(text(commandResult(result.command(), result.status())));
  }

  @Override
  public List<String> commandFilters() {
    return List.of();
  }

  @Override
  public FleetCommand decode(String topic, byte[] payload) {
    throw new UnsupportedOperationException();
  }
}
