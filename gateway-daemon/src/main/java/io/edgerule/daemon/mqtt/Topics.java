package io.edgerule.daemon.mqtt;

import io.edgerule.adapter.PointId;
import io.edgerule.mqtt.outbox.MessageClass;

/**
 * The gateway's MQTT topic scheme (documented in docs/reference/mqtt.md). Everything lives under
 * {@code <prefix>/<gateway id>/}.
 */
public record Topics(String prefix, String gatewayId) {

  public String root() {
    return prefix + "/" + gatewayId;
  }

  /** Retained gateway state: online/offline (last will), adapters, rules, pipeline counters. */
  public String state() {
    return root() + "/state";
  }

  public String telemetry(PointId point) {
    return root() + "/telemetry/" + point.device() + "/" + point.point();
  }

  /** Retained: the current state of one alarm of one rule. */
  public String alarm(String rule, String alarm) {
    return root() + "/alarms/" + rule + "/" + alarm;
  }

  /** A rule's own publication; {@code topic} is the rule-relative topic its manifest grants. */
  public String rule(String rule, String topic) {
    return root() + "/rules/" + rule + "/" + topic;
  }

  /** The outcome of every device write a rule or command asked for. */
  public String writeResult(PointId point) {
    return root() + "/writes/" + point.device() + "/" + point.point();
  }

  public String commands() {
    return root() + "/cmd/#";
  }

  public String command(String name) {
    return root() + "/cmd/" + name;
  }

  public String commandResult() {
    return root() + "/cmd-result";
  }

  /**
   * The outbox class of a topic of this scheme, which decides its byte and age budget (telemetry is
   * dropped first; alarms, write and command results are kept longer). Anything not under this
   * gateway's root counts as a rule publication.
   */
  public MessageClass classOf(String topic) {
    // Without building root() + "/": this runs for every message the gateway sends.
    int p = prefix.length();
    int g = gatewayId.length();
    if (topic.length() <= p + g + 2
        || !topic.startsWith(prefix)
        || topic.charAt(p) != '/'
        || !topic.startsWith(gatewayId, p + 1)
        || topic.charAt(p + 1 + g) != '/') {
      return MessageClass.RULE_PUBLICATION;
    }
    int start = p + g + 2;
    int slash = topic.indexOf('/', start);
    String first = slash < 0 ? topic.substring(start) : topic.substring(start, slash);
    return switch (first) {
      case "telemetry" -> MessageClass.TELEMETRY;
      case "alarms" -> MessageClass.ALARM;
      case "writes" -> MessageClass.WRITE_RESULT;
      case "cmd-result" -> MessageClass.COMMAND_RESULT;
      case "state" -> MessageClass.STATE;
      default -> MessageClass.RULE_PUBLICATION;
    };
  }
}
