package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.namespace.json.JsonTopics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code cmd/reload}: answered when the reload is done (not on the MQTT callback thread), with the
 * command's id and the reload's status and detail; refused where no reload is offered.
 */
class ReloadCommandTest {
  private final JsonTopics topics = new JsonTopics("edgerule", "gw");
  private final JsonNamespace namespace = new JsonNamespace(topics);
  private final CommandsTest.RecordingUplink uplink = new CommandsTest.RecordingUplink();
  private final CompletableFuture<Commands.Reloader.Answer> pending = new CompletableFuture<>();
  private final AtomicInteger reloads = new AtomicInteger();

  private Commands commands(Commands.Reloader reloader) {
    return new Commands(
        uplink,
        namespace,
        new ActionDispatcher(
            new PointDirectory(List.of()),
            uplink,
            namespace,
            GatewayListener.NONE,
            Clock.systemUTC()),
        null,
        null,
        reloader);
  }

  private void send(Commands commands, String payload) {
    commands.onCommand(topics.command("reload"), payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void answeredWithItsIdOnceTheReloadIsDone() {
    Commands commands =
        commands(
            () -> {
              reloads.incrementAndGet();
              return pending;
            });
    send(commands, "{\"id\":\"r-9\"}");
    assertEquals(1, reloads.get());
    assertEquals(0, uplink.published(), "no answer before the reload is done");
    pending.complete(
        new Commands.Reloader.Answer("INVALID", "config refused: gateway.yaml:3:5: bad"));
    String answer = uplink.lastOn(topics.commandResult());
    assertTrue(answer.contains("\"id\":\"r-9\""), answer);
    assertTrue(answer.contains("\"command\":\"reload\""), answer);
    assertTrue(answer.contains("\"status\":\"INVALID\""), answer);
    assertTrue(answer.contains("gateway.yaml:3:5: bad"), answer);
  }

  @Test
  void aGatewayWithoutReloadRefusesIt() {
    send(commands(null), "{\"id\":7}");
    String answer = uplink.lastOn(topics.commandResult());
    assertTrue(answer.contains("\"status\":\"REJECTED\""), answer);
    assertTrue(answer.contains("\"id\":7"), answer);
  }
}
