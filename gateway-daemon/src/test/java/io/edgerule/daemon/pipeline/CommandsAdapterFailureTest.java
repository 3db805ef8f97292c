package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.mqtt.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A write command whose adapter throws (instead of failing its stage) or fails its stage is still
 * answered, and is not left counted as a write in flight.
 */
class CommandsAdapterFailureTest {
  private final Topics topics = new Topics("edgerule", "gw");
  private final CommandsTest.RecordingUplink uplink = new CommandsTest.RecordingUplink();

  /** The writable point tank/pump, written by {@code write}. */
  private static ProtocolAdapter pump(Function<WriteCommand, CompletionStage<WriteResult>> write) {
    return new ProtocolAdapter() {
      @Override
      public String name() {
        return "failing";
      }

      @Override
      public List<PointInfo> points() {
        return List.of(new PointInfo(PointId.parse("tank/pump"), ValueType.BOOL, true, "coil 0"));
      }

      @Override
      public CompletionStage<Void> start(EventSink sink) {
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public CompletionStage<WriteResult> write(WriteCommand command) {
        return write.apply(command);
      }

      @Override
      public AdapterHealth health() {
        return new AdapterHealth("failing", AdapterHealth.State.UP, List.of());
      }

      @Override
      public void close() {}
    };
  }

  private ActionDispatcher dispatcher(ProtocolAdapter adapter) {
    return new ActionDispatcher(
        new PointDirectory(List.of(adapter)),
        uplink,
        topics,
        GatewayListener.NONE,
        Clock.systemUTC());
  }

  private String send(ActionDispatcher dispatcher) {
    new Commands(uplink, topics, dispatcher)
        .onCommand(
            topics.command("write"),
            "{\"id\":\"c9\",\"point\":\"tank/pump\",\"value\":true}"
                .getBytes(StandardCharsets.UTF_8));
    return uplink.lastOn(topics.commandResult());
  }

  @Test
  void anAdapterThatThrowsIsAnsweredAndNotLeftInFlight() throws Exception {
    ActionDispatcher dispatcher =
        dispatcher(
            pump(
                command -> {
                  throw new IllegalStateException("encoder bug");
                }));
    String answer = send(dispatcher);
    assertTrue(answer.contains("\"status\":\"FAILED\"") && answer.contains("encoder bug"), answer);
    assertTrue(answer.contains("\"id\":\"c9\""), answer);
    assertTrue(dispatcher.awaitWrites(System.nanoTime()), "no write left in flight");
  }

  @Test
  void anAdapterStageThatFailsIsAnswered() throws Exception {
    ActionDispatcher dispatcher =
        dispatcher(
            pump(
                command -> CompletableFuture.failedFuture(new IllegalStateException("link down"))));
    String answer = send(dispatcher);
    assertTrue(answer.contains("\"status\":\"FAILED\"") && answer.contains("link down"), answer);
    assertTrue(dispatcher.awaitWrites(System.nanoTime()), "no write left in flight");
  }
}
