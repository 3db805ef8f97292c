package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.namespace.json.JsonTopics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A write command whose adapter throws (instead of failing its stage) or fails its stage is still
 * answered, and is not left counted as a write in flight.
 */
class CommandsAdapterFailureTest {
  private final JsonTopics topics = new JsonTopics("edgerule", "gw");
  private final JsonNamespace namespace = new JsonNamespace(topics);
  private final CommandsTest.RecordingUplink uplink = new CommandsTest.RecordingUplink();

  private ActionDispatcher dispatcher(ProtocolAdapter adapter) {
    return new ActionDispatcher(
        new PointDirectory(List.of(adapter)),
        uplink,
        namespace,
        GatewayListener.NONE,
        Clock.systemUTC());
  }

  private String send(ActionDispatcher dispatcher) {
    new Commands(uplink, namespace, dispatcher)
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
            new CommandsTest.PumpAdapter(
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
            new CommandsTest.PumpAdapter(
                command -> CompletableFuture.failedFuture(new IllegalStateException("link down"))));
    String answer = send(dispatcher);
    assertTrue(answer.contains("\"status\":\"FAILED\"") && answer.contains("link down"), answer);
    assertTrue(dispatcher.awaitWrites(System.nanoTime()), "no write left in flight");
  }
}
