package io.edgerule.adapter;

import java.util.Objects;

/**
 * How far a value can be trusted. BAD and UNCERTAIN carry a reason a person can act on ("timeout
 * after 1000 ms", "exception 02 ILLEGAL_DATA_ADDRESS", "connection refused").
 */
public record Quality(Status status, String reason) {
  public enum Status {
    GOOD,
    UNCERTAIN,
    BAD
  }

  public static final Quality GOOD = new Quality(Status.GOOD, "");

  public Quality {
    Objects.requireNonNull(status, "status");
    reason = reason == null ? "" : reason;
    if (status != Status.GOOD && reason.isBlank()) {
      throw new IllegalArgumentException(status + " quality needs a reason");
    }
  }

  public static Quality bad(String reason) {
    return new Quality(Status.BAD, reason);
  }

  public static Quality uncertain(String reason) {
    return new Quality(Status.UNCERTAIN, reason);
  }

  public boolean isGood() {
    return status == Status.GOOD;
  }

  @Override
  public String toString() {
    return status == Status.GOOD ? "GOOD" : status + "(" + reason + ")";
  }
}
