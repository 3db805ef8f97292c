package io.edgerule.daemon.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.daemon.JsonErrors;
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

  /**
   * Strict reading: {@code {"point":"tank/pump","value":true} garbage} used to be carried out
   * (trailing content ignored), and {@code "value":true,"value":false} wrote the last value. A
   * damaged or ambiguous command must not reach a device.
   */
  private static final ObjectReader STRICT =
      JSON.reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  /**
   * The largest command payload read: a command is a small JSON object (a string write of a few
   * kilobytes at most); parsing a multi-megabyte retained message on every reconnect would stall
   * the MQTT callback thread and fill the heap for nothing.
   */
  static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

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
    String name = topic == null ? "" : topic.substring(topic.lastIndexOf('/') + 1);
    try {
      handle(name, payload);
    } catch (RuntimeException e) {
      // Runs on the MQTT client's callback thread: nothing may escape, and every command gets an
      // answer, also one that hit a bug.
      log.warn("command {} failed: {}", name, e.toString());
      try {
        answer(null, name, "FAILED", "internal error: " + e);
      } catch (RuntimeException again) {
        log.warn("command {}: cannot answer: {}", name, again.toString());
      }
    }
  }

  private void handle(String name, byte[] payload) {
    if (payload != null && payload.length > MAX_PAYLOAD_BYTES) {
      answer(
          null,
          name,
          "INVALID",
          "payload of " + payload.length + " bytes; a command is at most " + MAX_PAYLOAD_BYTES);
      return;
    }
    JsonNode body;
    try {
      body = STRICT.readTree(payload == null ? new byte[0] : payload);
    } catch (JsonProcessingException e) {
      answer(null, name, "INVALID", "payload is not JSON: " + JsonErrors.describe(e));
      return;
    } catch (IOException e) {
      answer(null, name, "INVALID", "payload is not readable: " + e.getMessage());
      return;
    }
    JsonNode idNode = body == null ? null : body.get("id");
    // A string or a number, echoed in the answer as it was sent (42 stays a number).
    JsonNode id = idNode != null && (idNode.isTextual() || idNode.isNumber()) ? idNode : null;
    if (body == null || !body.isObject()) {
      answer(id, name, "INVALID", "payload must be a JSON object");
      return;
    }
    if (idNode != null && !idNode.isNull() && !idNode.isTextual() && !idNode.isNumber()) {
      // An object id used to be answered as "" and the command carried out anyway.
      answer(
          null,
          name,
          "INVALID",
          "'id' must be a string or number, not " + JsonErrors.shown(idNode));
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
      if (!body.get("point").isTextual()) {
        throw new IllegalArgumentException(
            "'point' must be a string like \"tank/pump\", not "
                + JsonErrors.shown(body.get("point")));
      }
      point = PointId.parse(body.get("point").asText());
      value = valueOf(body.get("value"));
    } catch (IllegalArgumentException e) {
      answer(id, name, "INVALID", e.getMessage());
      return;
    }
    log.info("command {} {}: write {} = {}", name, id, point, value);
    dispatcher
        .write(new WriteCommand(point, value, "mqtt:" + (id == null ? "" : id.asText())))
        .whenComplete(
            (r, e) -> {
              // A stage that fails (instead of completing with a FAILED result) is answered too.
              if (e != null) {
                answer(id, name, "FAILED", "write failed: " + e);
              } else {
                answer(id, name, r.status().name(), r.detail());
              }
            });
  }

  private void onRuleCommand(JsonNode id, String name, JsonNode body) {
    String rule = body.hasNonNull("rule") ? body.get("rule").asText() : null;
    String action = body.hasNonNull("action") ? body.get("action").asText() : null;
    if (body.hasNonNull("rule") && !body.get("rule").isTextual()) {
      // asText() of {} is "": the answer said "'rule' is missing" although it was there.
      answer(
          id,
          name,
          "INVALID",
          "'rule' must be a string, not " + JsonErrors.shown(body.get("rule")));
      return;
    }
    if (rule == null || rule.isEmpty()) {
      answer(id, name, "INVALID", "'rule' is missing");
      return;
    }
    if (!"enable".equals(action) && !"disable".equals(action)) {
      answer(
          id,
          name,
          "INVALID",
          "'action' must be \"enable\" or \"disable\", not "
              + (body.get("action") == null ? "missing" : JsonErrors.shown(body.get("action"))));
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
        throw new IllegalArgumentException(
            "'value' " + JsonErrors.shown(v) + " does not fit in 64 bits");
      }
      return PointValue.of(v.longValue());
    }
    if (v.isNumber()) {
      // 1e999 is valid JSON but reached the device as Infinity.
      if (!Double.isFinite(v.doubleValue())) {
        throw new IllegalArgumentException("'value' is out of the float64 range");
      }
      return PointValue.of(v.doubleValue());
    }
    if (v.isTextual()) {
      return PointValue.of(v.textValue());
    }
    throw new IllegalArgumentException(
        "'value' must be a boolean, number or string, got " + JsonErrors.shown(v));
  }

  private void answer(JsonNode id, String command, String status, String detail) {
    ObjectNode n = Payloads.object();
    if (id != null) {
      n.set("id", id);
    }
    n.put("command", command);
    n.put("status", status);
    if (detail != null && !detail.isEmpty()) {
      n.put("detail", JsonErrors.oneLine(detail)); // it may quote a megabyte of the payload
    }
    uplink.publish(topics.commandResult(), Payloads.bytes(n), 1, false);
  }
}
