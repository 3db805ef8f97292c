package io.edgerule.adapter;

import java.util.Objects;

/**
 * A point an adapter offers: its type as seen by rules, whether rules may write it, and where it
 * lives on the device in the protocol's own words (for logs and docs), e.g. "holding_register 40
 * float32".
 */
public record PointInfo(PointId id, ValueType type, boolean writable, String address) {
  public PointInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    address = address == null ? "" : address;
  }
}
