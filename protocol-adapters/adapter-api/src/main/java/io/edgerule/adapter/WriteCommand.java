package io.edgerule.adapter;

import java.util.Objects;

/**
 * A request to write a point. {@code origin} says who asked (a rule name, "cli", an MQTT command
 * id) so the result can be reported back to them.
 */
public record WriteCommand(PointId point, PointValue value, String origin) {
  public WriteCommand {
    Objects.requireNonNull(point, "point");
    Objects.requireNonNull(value, "value");
    origin = origin == null ? "" : origin;
  }
}
