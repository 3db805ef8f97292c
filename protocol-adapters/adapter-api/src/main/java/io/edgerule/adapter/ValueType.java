package io.edgerule.adapter;

/** The value types a point can carry across the whole gateway (adapters, rules, MQTT). */
public enum ValueType {
  BOOL,
  INT64,
  FLOAT64,
  STRING,
  BYTES
}
