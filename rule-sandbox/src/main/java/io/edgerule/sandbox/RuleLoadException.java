package io.edgerule.sandbox;

/**
 * A rule that cannot be loaded: not a wasm module, breaks ABI v1 or its manifest, exceeds a limit,
 * or its start section / {@code er_init} failed. The message names the rule and its source and says
 * what is wrong, e.g. {@code rule 'x' (rules/x.wasm): imports gw.foo which is not in ABI v1}.
 */
public final class RuleLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String ruleName;
  private final String problem;

  public RuleLoadException(String ruleName, String source, String problem) {
    this(ruleName, source, problem, null);
  }

  public RuleLoadException(String ruleName, String source, String problem, Throwable cause) {
    super(
        "rule '" + ruleName + "'" + (source == null ? "" : " (" + source + ")") + ": " + problem,
        cause);
    this.ruleName = ruleName;
    this.problem = problem;
  }

  public String ruleName() {
    return ruleName;
  }

  /** What is wrong, without the rule's name and source. */
  public String problem() {
    return problem;
  }
}
