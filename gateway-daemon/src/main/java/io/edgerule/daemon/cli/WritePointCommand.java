package io.edgerule.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.PointId;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.namespace.json.JsonTopics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule write --config FILE POINT VALUE}: asks a running gateway to write a point,
 * through its MQTT command topic (the same path the fleet uses), and prints the device's answer.
 * Also how an operator opens a Zigbee network for pairing: {@code edgerule write -c gw.yaml
 * zigbee/permit_join 120}.
 */
@Command(
    name = "write",
    description =
        "Ask a running gateway (found through the broker in its config) to write a point; prints"
            + " the result. Exit 0 if the device confirmed the write.",
    mixinStandardHelpOptions = true)
public final class WritePointCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The gateway's config (for its id, broker and topic prefix).")
  Path config;

  @Option(
      names = "--timeout",
      paramLabel = "TIME",
      defaultValue = "10s",
      description = "How long to wait for the answer (default ${DEFAULT-VALUE}).")
  String timeout;

  @Parameters(index = "0", paramLabel = "POINT", description = "The point, device/point.")
  String point;

  @Parameters(
      index = "1",
      paramLabel = "VALUE",
      description =
          "true or false (bool), a whole number (int64) or a number (float64); anything else is"
              + " text, taken as it is: the shell's own quoting is not part of it (write hello,"
              + " or 'hello world' with a space), quotes inside it are sent.")
  String value;

  @Option(
      names = "--text",
      description = "Send VALUE as text even if it looks like true, false or a number.")
  boolean text;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Optional<GatewayConfig> loaded = ConfigFiles.load(config, err);
    if (loaded.isEmpty()) {
      return ExitCodes.CONFIG;
    }
    GatewayConfig cfg = loaded.get();
    if (cfg.mqtt() == null) {
      err.println("edgerule: " + config + " has no 'mqtt:' section: the gateway takes no commands");
      return ExitCodes.FAILURE;
    }
    try {
      PointId.parse(point);
    } catch (IllegalArgumentException e) {
      err.println("edgerule: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    Duration wait;
    try {
      wait = DurationText.parse(timeout);
    } catch (IllegalArgumentException e) {
      // It escaped as a stack trace ("--timeout soon", "--timeout PT-1S").
      err.println("edgerule: --timeout: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    if (cfg.mqtt().namespace() != io.edgerule.daemon.config.MqttConfig.Namespace.JSON) {
      err.println(
          "edgerule: write-point speaks the json namespace's commands; this gateway uses mqtt.namespace: "
              + cfg.mqtt().namespace().name().toLowerCase(java.util.Locale.ROOT));
      return ExitCodes.FAILURE;
    }
    // The fleet's side of the JSON namespace: the topics the gateway listens and answers on.
    JsonTopics topics = new JsonTopics(cfg.mqtt().topicPrefix(), cfg.gateway().id());
    String id = "cli-" + UUID.randomUUID();
    ObjectNode body = JSON.createObjectNode().put("id", id).put("point", point);
    body.set("value", parseValue(value, text));
    BlockingQueue<JsonNode> answers = new ArrayBlockingQueue<>(16);
    MqttClient client =
        new MqttClient(
            cfg.mqtt().serverUri(), "edgerule-cli-" + UUID.randomUUID(), new MemoryPersistence());
    try {
      MqttConnectOptions options = new MqttConnectOptions();
      options.setCleanSession(true);
      // Clamped: a --timeout beyond Integer.MAX_VALUE seconds overflowed the cast into a negative
      // number, which Paho rejects with an IllegalArgumentException.
      options.setConnectionTimeout(
          (int) Math.min(Integer.MAX_VALUE, Math.max(1, wait.toSeconds())));
      if (cfg.mqtt().username() != null) {
        options.setUserName(cfg.mqtt().username());
        if (cfg.mqtt().password() != null) {
          options.setPassword(cfg.mqtt().password().toCharArray());
        }
      }
      client.connect(options);
      client.subscribe(
          topics.commandResult(),
          1,
          (t, m) -> {
            JsonNode n = answerFor(id, m.getPayload());
            if (n != null) {
              answers.offer(n);
            }
          });
      client.publish(topics.command("write"), JSON.writeValueAsBytes(body), 1, false);
      JsonNode answer = answers.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (answer == null) {
        err.printf(
            "edgerule: no answer from gateway %s within %s (is it running and connected to %s?)%n",
            cfg.gateway().id(), timeout, cfg.mqtt().serverUri());
        return ExitCodes.FAILURE;
      }
      String status = answer.path("status").asText();
      String detail = answer.path("detail").asText("");
      spec.commandLine()
          .getOut()
          .println(
              point
                  + " = "
                  + body.get("value")
                  + ": "
                  + status
                  + (detail.isEmpty() ? "" : " (" + detail + ")"));
      return status.equals("OK") ? ExitCodes.OK : ExitCodes.FAILURE;
    } catch (MqttException e) {
      err.println("edgerule: broker " + cfg.mqtt().serverUri() + ": " + e.getMessage());
      return ExitCodes.FAILURE;
    } finally {
      if (client.isConnected()) {
        client.disconnect();
      }
      client.close();
    }
  }

  /**
   * The answer to command {@code id} in a cmd-result message, or null for anything else. Anyone on
   * the broker can publish there: a message that is not JSON used to throw out of the Paho
   * listener, which makes Paho drop the connection, so the real answer was lost ("no answer").
   */
  static JsonNode answerFor(String id, byte[] payload) {
    try {
      JsonNode n = JSON.readTree(payload == null ? new byte[0] : payload);
      return n != null && n.isObject() && id.equals(n.path("id").asText()) ? n : null;
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * true/false → bool, 12 → int64, 1.5 → float64, anything else (or everything, with {@code
   * asText}) → text exactly as the argument is.
   */
  static JsonNode parseValue(String text, boolean asText) {
    if (asText) {
      return JSON.getNodeFactory().textNode(text);
    }
    if (text.equals("true") || text.equals("false")) {
      return JSON.getNodeFactory().booleanNode(Boolean.parseBoolean(text));
    }
    try {
      return JSON.getNodeFactory().numberNode(Long.parseLong(text));
    } catch (NumberFormatException notLong) {
      // try a decimal next
    }
    try {
      double d = Double.parseDouble(text);
      if (Double.isFinite(d)) {
        return JSON.getNodeFactory().numberNode(d);
      }
    } catch (NumberFormatException notNumber) {
      // text
    }
    return JSON.getNodeFactory().textNode(text);
  }
}
