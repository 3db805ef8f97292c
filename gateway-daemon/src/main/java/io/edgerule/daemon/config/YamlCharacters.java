package io.edgerule.daemon.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * YAML forbids control characters other than tab and line breaks (and unpaired surrogates). The
 * YAML reader rejects them as "special characters are not allowed" at line 1, column 1 wherever
 * they are; this names the character and its real line and column.
 */
final class YamlCharacters {
  private YamlCharacters() {}

  static void check(String text, Path file) throws ConfigException {
    int line = 1;
    int column = 1;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      if (!isYamlPrintable(c)) {
        throw new ConfigException(
            file,
            line,
            column,
            String.format(
                Locale.ROOT,
                "character U+%04X is not allowed in YAML (control characters must be written as"
                    + " escapes inside double quotes, e.g. \"\\t\")",
                c));
      }
      boolean lineBreak =
          c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'));
      if (lineBreak) {
        line++;
        column = 1;
      } else {
        column++;
      }
      i += Character.charCount(c);
    }
  }

  /** SnakeYAML's StreamReader.isPrintable. */
  private static boolean isYamlPrintable(int c) {
    return (c >= 0x20 && c <= 0x7E)
        || c == 0x9
        || c == 0xA
        || c == 0xD
        || c == 0x85
        || (c >= 0xA0 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD)
        || (c >= 0x10000 && c <= 0x10FFFF);
  }
}
