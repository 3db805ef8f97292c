package io.edgerule.mqtt.outbox;

/**
 * What an outbound message is, which decides its budget in the outbox: each class has its own bytes
 * and age limits, so a flood of telemetry never pushes out an alarm.
 */
public enum MessageClass {
  TELEMETRY,
  ALARM,
  WRITE_RESULT,
  COMMAND_RESULT,
  RULE_PUBLICATION,
  STATE,
  BIRTH_DEATH
}
