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

  /** A problem at {@code pos} in {@code file}, or in the whole file when {@code pos} is null. */
  static ConfigException at(Path file, YamlLocations.Position pos, String problem) {
    return at(file, pos, problem, null);
  }

  static ConfigException at(
      Path file, YamlLocations.Position pos, String problem, Throwable cause) {
    return pos == null
        ? new ConfigException(file, 0, 0, problem, cause)
        : new ConfigException(file, pos.line(), pos.column(), problem, cause);
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
