package io.edgerule.daemon.namespace.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.daemon.JsonErrors;
import io.edgerule.daemon.namespace.CommandId;
import io.edgerule.daemon.namespace.FleetCommand;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Reads a JSON command from {@code <root>/cmd/<name>} (docs/reference/mqtt.md, "Commands"): the
 * name is the topic's last segment, the payload one JSON object with an optional {@code id}.
 */
final class JsonCommandDecoder {
  /**
   * Strict reading: {@code {"point":"tank/pump","value":true} garbage} used to be carried out
   * (trailing content ignored), and {@code "value":true,"value":false} wrote the last value. A
   * damaged or ambiguous command must not reach a device.
   */
  private static final ObjectReader STRICT =
      JsonPayloads.JSON
          .reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  /**
   * The largest command payload read: a command is a small JSON object (a string write of a few
   * kilobytes at most); parsing a multi-megabyte retained message on every reconnect would stall
   * the MQTT callback thread and fill the heap for nothing.
   */
  static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

  /** The levels {@code log-level} accepts (logback's, without ALL). */
  static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private JsonCommandDecoder() {}

  static FleetCommand decode(String topic, byte[] payload) {
    String name = topic == null ? "" : topic.substring(topic.lastIndexOf('/') + 1);
    if (payload != null && payload.length > MAX_PAYLOAD_BYTES) {
      return new FleetCommand.Invalid(
          null,
          name,
          "payload of " + payload.length + " bytes; a command is at most " + MAX_PAYLOAD_BYTES);
    }
    JsonNode body;
    try {
      body = STRICT.readTree(payload == null ? new byte[0] : payload);
    } catch (JsonProcessingException e) {
      return new FleetCommand.Invalid(null, name, "payload is not JSON: " + JsonErrors.describe(e));
    } catch (IOException e) {
      return new FleetCommand.Invalid(null, name, "payload is not readable: " + e.getMessage());
    }
    JsonNode idNode = body == null ? null : body.get("id");
    // A string or a number, echoed in the answer as it was sent (42 stays a number).
    CommandId id =
        idNode != null && (idNode.isTextual() || idNode.isNumber())
            ? new CommandId(idNode.asText(), idNode)
            : null;
    if (body == null || !body.isObject()) {
      return new FleetCommand.Invalid(id, name, "payload must be a JSON object");
    }
    if (idNode != null && !idNode.isNull() && !idNode.isTextual() && !idNode.isNumber()) {
      // An object id used to be answered as "" and the command carried out anyway.
      return new FleetCommand.Invalid(
          null, name, "'id' must be a string or number, not " + JsonErrors.shown(idNode));
    }
    try {
      return switch (name) {
        case "write" -> write(id, name, body);
        case "rule" -> rule(id, name, body);
        case "status" -> new FleetCommand.Status(id, name);
        case "log-level" -> logLevel(id, name, body);
        case "reload" -> new FleetCommand.Reload(id, name);
        default ->
            throw new IllegalArgumentException(
                "unknown command '" + name + "'; known: write, rule, status, log-level, reload");
      };
    } catch (IllegalArgumentException e) {
      return new FleetCommand.Invalid(id, name, e.getMessage());
    }
  }

  private static FleetCommand write(CommandId id, String name, JsonNode body) {
    if (!body.hasNonNull("point")) {
      throw new IllegalArgumentException("'point' is missing");
    }
    if (!body.get("point").isTextual()) {
      throw new IllegalArgumentException(
          "'point' must be a string like \"tank/pump\", not "
              + JsonErrors.shown(body.get("point")));
    }
    PointId point = PointId.parse(body.get("point").asText());
    return new FleetCommand.Write(id, name, point, valueOf(body.get("value")));
  }

  private static FleetCommand rule(CommandId id, String name, JsonNode body) {
    if (body.hasNonNull("rule") && !body.get("rule").isTextual()) {
      // asText() of {} is "": the answer said "'rule' is missing" although it was there.
      throw new IllegalArgumentException(
          "'rule' must be a string, not " + JsonErrors.shown(body.get("rule")));
    }
    String rule = body.hasNonNull("rule") ? body.get("rule").asText() : null;
    if (rule == null || rule.isEmpty()) {
      throw new IllegalArgumentException("'rule' is missing");
    }
    String action = body.hasNonNull("action") ? body.get("action").asText() : null;
    if (!"enable".equals(action) && !"disable".equals(action)) {
      throw new IllegalArgumentException(
          "'action' must be \"enable\" or \"disable\", not "
              + (body.get("action") == null ? "missing" : JsonErrors.shown(body.get("action"))));
    }
    return new FleetCommand.RuleControl(id, name, rule, action.equals("enable"));
  }

  private static FleetCommand logLevel(CommandId id, String name, JsonNode body) {
    JsonNode logger = body.get("logger");
    if (logger == null || logger.isNull()) {
      throw new IllegalArgumentException(
          "'logger' is missing (a logger name like \"io.edgerule\", or \"ROOT\")");
    }
    if (!logger.isTextual() || logger.asText().isBlank()) {
      throw new IllegalArgumentException(
          "'logger' must be a logger name like \"io.edgerule\", not " + JsonErrors.shown(logger));
    }
    JsonNode level = body.get("level");
    String wanted =
        level != null && level.isTextual() ? level.asText().toUpperCase(Locale.ROOT) : "";
    if (!LEVELS.contains(wanted)) {
      throw new IllegalArgumentException(
          "'level' must be one of "
              + String.join(", ", LEVELS)
              + ", not "
              + (level == null || level.isNull() ? "missing" : JsonErrors.shown(level)));
    }
    return new FleetCommand.LogLevel(id, name, logger.asText(), wanted);
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
}
