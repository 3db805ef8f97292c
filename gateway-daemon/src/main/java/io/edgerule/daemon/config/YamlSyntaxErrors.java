package io.edgerule.daemon.config;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** YAML syntax errors of a config put in words, at the place the parser stopped. */
final class YamlSyntaxErrors {
  private static final Pattern PLAIN_KEY = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.-]{0,60}):");

  private YamlSyntaxErrors() {}

  /**
   * A YAML syntax error as the parser saw it. SnakeYAML's first line is only the context ("while
   * scanning for the next token"); the problem ("found character '\t' that cannot start any token")
   * and its mark say what and where. Two of its messages are put in words: a key indented
   * differently from its neighbours, and a '{' or '[' never closed (named with where it opened,
   * since the parser notices only at the next thing it cannot fit in).
   *
   * @param text the config text (to name a misplaced key), or null
   * @param fallback where to report it if SnakeYAML has no mark, or null
   */
  static ConfigException of(
      org.yaml.snakeyaml.error.MarkedYAMLException y,
      String text,
      Path file,
      YamlLocations.Position fallback) {
    org.yaml.snakeyaml.error.Mark mark =
        y.getProblemMark() != null ? y.getProblemMark() : y.getContextMark();
    org.yaml.snakeyaml.error.Mark opened = y.getContextMark();
    String context = y.getContext();
    String what = y.getProblem() != null ? y.getProblem() : context;
    String problem;
    String key = mark == null || text == null ? null : keyAt(text, mark);
    if (key != null
        && y.getProblem() != null
        && y.getProblem().contains("but found '<block mapping start>'")) {
      problem =
          "key '"
              + key
              + "' is indented by "
              + mark.getColumn()
              + " spaces, which lines up with nothing above it: the keys of one mapping must"
              + " start in the same column";
    } else if (opened != null
        && context != null
        && context.startsWith("while parsing a flow ")
        && y.getProblem() != null) {
      char bracket = context.endsWith("mapping") ? '{' : '[';
      problem =
          "the '"
              + bracket
              + "' at line "
              + (opened.getLine() + 1)
              + ", column "
              + (opened.getColumn() + 1)
              + " is not closed ("
              + y.getProblem().trim()
              + " here)";
    } else {
      problem =
          context != null && y.getProblem() != null ? context + ": " + what : String.valueOf(what);
    }
    problem = ProblemText.readable("invalid YAML: " + problem);
    if (problem.length() > 500) {
      problem = problem.substring(0, 500) + " ...";
    }
    YamlLocations.Position pos =
        mark != null
            ? new YamlLocations.Position(mark.getLine() + 1, mark.getColumn() + 1)
            : fallback;
    return ConfigException.at(file, pos, problem, y);
  }

  /** The plain key ({@code points}) that starts at {@code mark}, or null. */
  private static String keyAt(String text, org.yaml.snakeyaml.error.Mark mark) {
    String[] lines = text.split("\r\n|\r|\n", -1);
    if (mark.getLine() >= lines.length) {
      return null;
    }
    Matcher m = PLAIN_KEY.matcher(lines[mark.getLine()]);
    return m.region(
                Math.min(mark.getColumn(), lines[mark.getLine()].length()),
                lines[mark.getLine()].length())
            .lookingAt()
        ? m.group(1)
        : null;
  }
}
