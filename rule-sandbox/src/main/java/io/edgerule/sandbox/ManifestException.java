package io.edgerule.sandbox;

/**
 * A rule manifest that cannot be used: the message names the source, the line and column (1-based;
 * 0 when the problem has no position, e.g. an unreadable file) and what is wrong, e.g. {@code
 * rules/overtemp.yaml:4:5: inputs[1]: invalid point pattern 'tank/#/x': '#' must be the last
 * segment}.
 */
public final class ManifestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String sourceName;
  private final int line;
  private final int column;
  private final String problem;

  public ManifestException(String sourceName, int line, int column, String problem) {
    super(format(sourceName, line, column, problem));
    this.sourceName = sourceName;
    this.line = line;
    this.column = column;
    this.problem = problem;
  }

  private static String format(String sourceName, int line, int column, String problem) {
    return line > 0
        ? sourceName + ":" + line + ":" + column + ": " + problem
        : sourceName + ": " + problem;
  }

  public String sourceName() {
    return sourceName;
  }

  /** 1-based line, or 0 if the problem has no position. */
  public int line() {
    return line;
  }

  /** 1-based column, or 0 if the problem has no position. */
  public int column() {
    return column;
  }

  /** What is wrong, without the position. */
  public String problem() {
    return problem;
  }
}
