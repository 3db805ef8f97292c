package io.edgerule.sandbox;

/** Why a batch (or tick) failed. Every kind counts as a fault towards quarantine. */
public enum FailureKind {
  /** The rule trapped: unreachable, out-of-bounds memory access, integer division by zero, ... */
  TRAP,
  /** The call did not return within the rule's deadline and was interrupted. */
  DEADLINE,
  /** The rule exceeded a per-batch limit (actions or bytes per batch). */
  LIMIT,
  /** The rule emitted to a point, topic or alarm its manifest does not grant. */
  DENIED,
  /**
   * The rule broke the ABI: a non-zero status from an export, a pointer outside its memory, an
   * unknown id, invalid flags or text that is not UTF-8.
   */
  ABI,
  /** The JVM ran out of a resource on the rule's behalf: call stack or heap. */
  RESOURCE
}
