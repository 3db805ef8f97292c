package io.edgerule.adapter.opcua;

/**
 * A data-change deadband the server applies before it reports a value ({@code deadband: {type:
 * absolute, value: 0.5}}). ABSOLUTE is in the variable's own unit; PERCENT is a percentage of the
 * variable's EURange and only works on AnalogItem variables that have one (the server refuses it
 * otherwise, and the point is reported BAD with the server's reason).
 */
public record OpcUaDeadband(Type type, double value) {
  public enum Type {
    ABSOLUTE,
    PERCENT
  }

  public OpcUaDeadband {
    if (type == null) {
      throw new IllegalArgumentException("deadband.type: required (absolute or percent)");
    }
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("deadband.value: must be a number >= 0, got " + value);
    }
    if (type == Type.PERCENT && value > 100) {
      throw new IllegalArgumentException(
          "deadband.value: a percent deadband must be between 0 and 100, got " + value);
    }
  }

  public static OpcUaDeadband absolute(double value) {
    return new OpcUaDeadband(Type.ABSOLUTE, value);
  }

  public static OpcUaDeadband percent(double value) {
    return new OpcUaDeadband(Type.PERCENT, value);
  }
}
