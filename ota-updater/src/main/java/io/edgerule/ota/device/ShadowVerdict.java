package io.edgerule.ota.device;

import io.edgerule.sandbox.ShadowReport;
import java.util.Map;
import java.util.Optional;

/**
 * Judges the shadow phase of a trial: a candidate that failed a call (trap, deadline, limit)
 * rejects the image; differing actions do not (a new version is expected to decide differently).
 */
final class ShadowVerdict {
  private ShadowVerdict() {}

  /** Why the image fails its shadow phase, if it does. */
  static Optional<String> failures(Map<String, ShadowReport> reports) {
    StringBuilder bad = new StringBuilder();
    for (Map.Entry<String, ShadowReport> r : reports.entrySet()) {
      ShadowReport sr = r.getValue();
      if (sr.candidateFailures() > 0) {
        bad.append(bad.length() == 0 ? "" : "; ")
            .append("rule '")
            .append(r.getKey())
            .append("' failed ")
            .append(sr.candidateFailures())
            .append(" of ")
            .append(sr.calls())
            .append(" calls in shadow mode");
      }
    }
    return bad.length() == 0 ? Optional.empty() : Optional.of(bad.toString());
  }
}
