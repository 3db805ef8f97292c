package io.edgerule.ota.fleet;

import java.util.regex.Pattern;

/** The names the fleet's documents carry: gateway ids (topic segments) and document ids. */
final class Ids {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private Ids() {}

  /** A gateway id or a document id: 1-128 ASCII letters, digits, '.', '_', ':', '-'. */
  static String check(String what, String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          what
              + ": '"
              + id
              + "' is not 1-128 ASCII letters, digits, '.', '_', ':', '-' (starting with a letter"
              + " or digit)");
    }
    return id;
  }

  static boolean valid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  static String sha256(String what, String hex) {
    if (hex == null || !SHA256.matcher(hex).matches()) {
      throw new IllegalArgumentException(what + ": '" + hex + "' is not 64 lower-case hex digits");
    }
    return hex;
  }
}
