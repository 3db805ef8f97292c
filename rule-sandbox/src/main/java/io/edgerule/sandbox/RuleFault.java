package io.edgerule.sandbox;

import java.time.Instant;
import java.util.Objects;

/** One failed batch, tick or re-initialisation of a rule, as kept in its recent fault history. */
public record RuleFault(Instant at, FailureKind kind, String message) {
  public RuleFault {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }
}
