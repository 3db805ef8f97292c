package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.namespace.json.JsonTopics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class CommandsTest {
  /** Records what the gateway would publish. */
  static final class RecordingUplink implements Uplink {
    final List<String[]> published = new ArrayList<>();

    @Override
    public synchronized void publish(String topic, byte[] payload, int qos, boolean retained) {
      published.add(new String[] {topic, new String(payload, StandardCharsets.UTF_8)});
    }

    @Override
    public void subscribe(String topicFilter, BiConsumer<String, byte[]> handler) {}

    @Override
    public boolean isConnected() {
      return true;
    }

    @Override
    public long published() {
      return published.size();
    }

    @Override
    public long dropped() {
      return 0;
    }

    @Override
    public void close() {}

    synchronized String lastOn(String topic) {
      for (int i = published.size() - 1; i >= 0; i--) {
        if (published.get(i)[0].equals(topic)) {
          return published.get(i)[1];
        }
      }
      throw new AssertionError("nothing published on " + topic + ": " + published.size());
    }
  }

  /** One writable bool point, tank/pump; records writes and answers them with {@code answer}. */
  static final class PumpAdapter implements ProtocolAdapter {
    final List<WriteCommand> writes = new ArrayList<>();
    private final Function<WriteCommand, CompletionStage<WriteResult>> answer;

    PumpAdapter() {
      this(command -> CompletableFuture.completedFuture(WriteResult.ok(command)));
    }

    PumpAdapter(Function<WriteCommand, CompletionStage<WriteResult>> answer) {
      this.answer = answer;
    }

    @Override
    public String name() {
      return "fake";
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
      writes.add(command);
      return answer.apply(command);
    }

    @Override
    public AdapterHealth health() {
      return new AdapterHealth("fake", AdapterHealth.State.UP, List.of());
    }

    @Override
    public void close() {}
  }

  private final JsonTopics topics = new JsonTopics("edgerule", "gw");
  private final JsonNamespace namespace = new JsonNamespace(topics);
  private final RecordingUplink uplink = new RecordingUplink();
  private final PumpAdapter adapter = new PumpAdapter();
  private final Commands commands =
      new Commands(
          uplink,
          namespace,
          new ActionDispatcher(
              new PointDirectory(List.of(adapter)),
              uplink,
              namespace,
              GatewayListener.NONE,
              Clock.systemUTC()));

  private String send(String command, String payload) {
    commands.onCommand(topics.command(command), payload.getBytes(StandardCharsets.UTF_8));
    return uplink.lastOn(topics.commandResult());
  }

  @Test
  void writeCommandReachesTheAdapterAndIsAnswered() {
    String answer = send("write", "{\"id\":\"c1\",\"point\":\"tank/pump\",\"value\":true}");
    assertEquals(1, adapter.writes.size());
    assertEquals(PointValue.of(true), adapter.writes.get(0).value());
    assertEquals("mqtt:c1", adapter.writes.get(0).origin());
    assertTrue(answer.contains("\"id\":\"c1\"") && answer.contains("\"status\":\"OK\""), answer);
    assertTrue(uplink.lastOn("edgerule/gw/writes/tank/pump").contains("\"status\":\"OK\""));
  }

  @Test
  void aNumericIdIsAcceptedAndEchoedAsTheSameNumber() {
    String answer = send("write", "{\"id\":42,\"point\":\"tank/pump\",\"value\":true}");
    assertTrue(answer.contains("\"id\":42,") && answer.contains("\"status\":\"OK\""), answer);
    assertEquals("mqtt:42", adapter.writes.get(0).origin());
    String text = send("rule", "{\"id\":\"7\",\"rule\":\"pump\",\"action\":\"disable\"}");
    assertTrue(text.contains("\"id\":\"7\""), "a string id stays a string: " + text);
    String bool = send("write", "{\"id\":true,\"point\":\"tank/pump\",\"value\":true}");
    assertTrue(bool.contains("INVALID") && bool.contains("'id' must be a string or number"), bool);
    assertEquals(1, adapter.writes.size(), "the command with a boolean id wrote nothing");
  }

  @Test
  void malformedCommandsAreAnsweredAndWriteNothing() {
    assertTrue(send("write", "{not json").contains("payload is not JSON"));
    assertTrue(send("write", "[1,2]").contains("must be a JSON object"));
    assertTrue(send("write", "{\"id\":\"c2\",\"value\":1}").contains("'point' is missing"));
    assertTrue(send("write", "{\"point\":\"tank\",\"value\":1}").contains("expected device/point"));
    assertTrue(send("write", "{\"point\":\"tank/pump\"}").contains("'value' is missing"));
    assertTrue(
        send("write", "{\"point\":\"tank/pump\",\"value\":{}}").contains("must be a boolean"));
    assertTrue(send("reboot", "{\"id\":\"c3\"}").contains("unknown command 'reboot'"));
    assertTrue(
        send("write", "{\"point\":\"tank/pump\",\"value\":1}").contains("\"status\":\"OK\""));
    String unknown = send("write", "{\"point\":\"tank/nope\",\"value\":1}");
    assertTrue(
        unknown.contains("REJECTED") && unknown.contains("no device offers point tank/nope"),
        unknown);
    assertEquals(1, adapter.writes.size(), "only the one valid write reached the device");
  }

  @Test
  void anOversizedCommandIsRefusedBeforeItIsParsed() {
    // Valid JSON, so only the size can be the reason it is refused.
    String big =
        "{\"point\":\"tank/pump\",\"value\":true,\"note\":\""
            + "x".repeat(io.edgerule.daemon.namespace.json.JsonNamespace.MAX_COMMAND_BYTES)
            + "\"}";
    String answer = send("write", big);
    assertTrue(
        answer.contains("\"status\":\"INVALID\"")
            && answer.contains(
                "a command is at most "
                    + io.edgerule.daemon.namespace.json.JsonNamespace.MAX_COMMAND_BYTES),
        answer);
    assertEquals(0, adapter.writes.size());
  }
}
