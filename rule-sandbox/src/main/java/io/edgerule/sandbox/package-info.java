/**
 * The rule sandbox: runs untrusted WebAssembly rules (ABI v1, see docs/reference/rule-abi.md) in
 * Chicory's compiled mode under per-rule capabilities (a {@link io.edgerule.sandbox.RuleManifest})
 * and limits ({@link io.edgerule.sandbox.RuleLimits}). Public API: {@link
 * io.edgerule.sandbox.RuleEngine}, {@link io.edgerule.sandbox.Rule}, {@link
 * io.edgerule.sandbox.RuleOutcome}, {@link io.edgerule.sandbox.RuleAction}.
 */
package io.edgerule.sandbox;
