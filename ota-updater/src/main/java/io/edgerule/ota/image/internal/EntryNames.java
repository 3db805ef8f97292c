package io.edgerule.ota.image.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names a file inside an image may have: relative paths of 1-200 bytes, segments of ASCII
 * letters, digits, {@code . _ -}, no empty, {@code .} or {@code ..} segment, no leading slash or
 * backslash. Narrow on purpose: whatever later writes these files to disk, or shows them, cannot be
 * steered outside its folder or fooled by look-alike characters.
 */
public final class EntryNames {
  public static final int MAX_LENGTH = 200;
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

  private EntryNames() {}

  /** Why {@code name} is not an allowed entry name, or null when it is. */
  public static String problem(String name) {
    if (name.isEmpty()) {
      return "is empty";
    }
    if (name.length() > MAX_LENGTH) {
      return "is longer than " + MAX_LENGTH + " characters";
    }
    if (name.startsWith("/")) {
      return "is an absolute path";
    }
    if (name.indexOf('\\') >= 0) {
      return "contains a backslash";
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty()) {
        return "has an empty path segment";
      }
      if (segment.equals(".") || segment.equals("..")) {
        return "has a '" + segment + "' segment (path tricks are refused)";
      }
      if (!SEGMENT.matcher(segment).matches()) {
        return "has characters other than ASCII letters, digits, '.', '_', '-' and '/'";
      }
    }
    return null;
  }

  /**
   * The key under which two names count as the same file: case-folded, because the image may be
   * unpacked on a file system that ignores case.
   */
  public static String identity(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
