package io.edgerule.daemon.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.daemon.mqtt.Payloads;
import io.edgerule.daemon.mqtt.Topics;
import io.edgerule.daemon.mqtt.Uplink;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands from the fleet on {@code <root>/cmd/<name>}. Every command gets an answer on {@code
 * <root>/cmd-result}, also a malformed one ({@code "status":"INVALID"} with what is wrong).
 * Commands:
 *
 * <ul>
 *   <li>{@code write}: {@code {"id":"c1","point":"tank/pump","value":true}} → a device write.
 * </ul>
 */
public final class Commands {
  private static final Logger log = LoggerFactory.getLogger(Commands.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Uplink uplink;
  private final Topics topics;
  private final ActionDispatcher dispatcher;

  public Commands(Uplink uplink, Topics topics, ActionDispatcher dispatcher) {
    this.uplink = uplink;
    this.topics = topics;
    this.dispatcher = dispatcher;
  }

  public void subscribe() {
    uplink.subscribe(topics.commands(), this::onCommand);
  }

  void onCommand(String topic, byte[] payload) {
    String name = topic.substring(topic.lastIndexOf('/') + 1);
    JsonNode body;
    try {
      body = JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      answer(null, name, "INVALID", "payload is not JSON: " + e.getOriginalMessage());
      return;
    } catch (IOException e) {
      answer(null, name, "INVALID", "payload is not readable: " + e.getMessage());
      return;
    }
    String id = body != null && body.hasNonNull("id") ? body.get("id").asText() : null;
    if (body == null || !body.isObject()) {
      answer(id, name, "INVALID", "payload must be a JSON object");
      return;
    }
    if (!name.equals("write")) {
      answer(id, name, "INVALID", "unknown command '" + name + "'; known: write");
      return;
    }
    PointId point;
    PointValue value;
    try {
      if (!body.hasNonNull("point")) {
        throw new IllegalArgumentException("'point' is missing");
      }
      point = PointId.parse(body.get("point").asText());
      value = valueOf(body.get("value"));
    } catch (IllegalArgumentException e) {
      answer(id, name, "INVALID", e.getMessage());
      return;
    }
    log.info("command {} {}: write {} = {}", name, id, point, value);
    dispatcher
        .write(new WriteCommand(point, value, "mqtt:" + (id == null ? "" : id)))
        .thenAccept(r -> answer(id, name, r.status().name(), r.detail()));
  }

  private static PointValue valueOf(JsonNode v) {
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("'value' is missing");
    }
    if (v.isBoolean()) {
      return PointValue.of(v.booleanValue());
    }
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong()) {
        throw new IllegalArgumentException("'value' " + v + " does not fit in 64 bits");
      }
      return PointValue.of(v.longValue());
    }
    if (v.isNumber()) {
      return PointValue.of(v.doubleValue());
    }
    if (v.isTextual()) {
      return PointValue.of(v.textValue());
    }
    throw new IllegalArgumentException("'value' must be a boolean, number or string, got " + v);
  }

  private void answer(String id, String command, String status, String detail) {
    ObjectNode n = Payloads.object();
    if (id != null) {
      n.put("id", id);
    }
    n.put("command", command);
    n.put("status", status);
    if (detail != null && !detail.isEmpty()) {
      n.put("detail", detail);
    }
    uplink.publish(topics.commandResult(), Payloads.bytes(n), 1, false);
  }
}
