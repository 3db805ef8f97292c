package io.edgerule.daemon.config;

import java.nio.file.Path;

/** An invalid config file: says which file, where in it, and what is wrong. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Path file;
  private final int line;
  private final int column;
  private final String problem;

  public ConfigException(Path file, int line, int column, String problem) {
    this(file, line, column, problem, null);
  }

  public ConfigException(Path file, int line, int column, String problem, Throwable cause) {
    super(file + (line > 0 ? ":" + line + ":" + column : "") + ": " + problem, cause);
    this.file = file;
    this.line = line;
    this.column = column;
    this.problem = problem;
  }

  public Path file() {
    return file;
  }

  /** 1-based line, or 0 when the problem concerns the whole file. */
  public int line() {
    return line;
  }

  /** 1-based column, or 0 when the problem concerns the whole file. */
  public int column() {
    return column;
  }

  public String problem() {
    return problem;
  }
}
