package io.edgerule.daemon.namespace.json;

import io.edgerule.adapter.PointId;

/**
 * The JSON namespace's topic scheme (documented in docs/reference/mqtt.md). Everything lives under
 * {@code <prefix>/<gateway id>/}.
 */
public record JsonTopics(String prefix, String gatewayId) {

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
  /** Telemetry batch: the events of one device in one poll cycle or window. */
  public String telemetryBatch(String device) {
    return root() + "/telemetry-batch/" + device;
  }

  public String writeResult(PointId point) {
    return root() + "/writes/" + point.device() + "/" + point.point();
  }

  /** Retained: the last transition of an OTA update (docs/concepts/ota.md). */
  public String otaStatus() {
    return root() + "/ota/status";
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
}
