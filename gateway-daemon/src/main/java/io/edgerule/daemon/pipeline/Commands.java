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
 *   <li>{@code rule}: {@code {"id":"c2","rule":"pump","action":"disable"}} → switches a rule off
 *       until an {@code "enable"} (which also re-admits a quarantined rule at once); the answer's
 *       detail carries the rule's new status.
 * </ul>
 */
public final class Commands {
  private static final Logger log = LoggerFactory.getLogger(Commands.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Uplink uplink;
  private final Topics topics;
  private final ActionDispatcher dispatcher;
  private final RuleControl rules;

  /** Operator control of loaded rules (the gateway implements it). */
  public interface RuleControl {
    /**
     * @return the rule's status afterwards
     * @throws IllegalArgumentException if no such rule is loaded (the message says which are)
     */
    String enable(String rule);

    /** Like {@link #enable}. */
    String disable(String rule);
  }

  public Commands(Uplink uplink, Topics topics, ActionDispatcher dispatcher) {
    this(uplink, topics, dispatcher, null);
  }

  /**
   * @param rules null: the {@code rule} command answers that rule control is not available
   */
  public Commands(Uplink uplink, Topics topics, ActionDispatcher dispatcher, RuleControl rules) {
    this.uplink = uplink;
    this.topics = topics;
    this.dispatcher = dispatcher;
    this.rules = rules;
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
    if (name.equals("rule")) {
      onRuleCommand(id, name, body);
      return;
    }
    if (!name.equals("write")) {
      answer(id, name, "INVALID", "unknown command '" + name + "'; known: write, rule");
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

  private void onRuleCommand(String id, String name, JsonNode body) {
    String rule = body.hasNonNull("rule") ? body.get("rule").asText() : null;
    String action = body.hasNonNull("action") ? body.get("action").asText() : null;
    if (rule == null || rule.isEmpty()) {
      answer(id, name, "INVALID", "'rule' is missing");
      return;
    }
    if (!"enable".equals(action) && !"disable".equals(action)) {
      answer(
          id,
          name,
          "INVALID",
          "'action' must be \"enable\" or \"disable\", not " + body.get("action"));
      return;
    }
    if (rules == null) {
      answer(id, name, "REJECTED", "this gateway does not offer rule control");
      return;
    }
    try {
      String status = action.equals("enable") ? rules.enable(rule) : rules.disable(rule);
      log.info("command {} {}: {} rule '{}' -> {}", name, id, action, rule, status);
      answer(id, name, "OK", "rule '" + rule + "' is " + status);
    } catch (IllegalArgumentException | IllegalStateException e) {
      answer(id, name, "INVALID", e.getMessage());
    }
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
