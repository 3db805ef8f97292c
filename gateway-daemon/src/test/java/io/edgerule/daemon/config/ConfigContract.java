package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgerule.daemon.cli.Factories;
import io.edgerule.daemon.testing.Mutator;
import java.nio.file.Path;
import java.util.List;

/**
 * The loader's contract on any input: a {@link GatewayConfig}, or a {@link ConfigException} that
 * names the file, the line (and column) and says what is wrong in words, never a library or JVM
 * exception.
 */
final class ConfigContract {
  static final Path FILE = Path.of("/etc/edgerule/gateway.yaml");
  static final ConfigLoader LOADER = new ConfigLoader(Factories.installed());

  /** Problems about the file as a whole, which have no line. */
  private static final List<String> WHOLE_FILE =
      List.of("the file is empty", "the file has no content", "the file is larger than");

  /** Text that only a leaked library or JVM message would contain. */
  private static final List<String> LEAKS =
      List.of("com.fasterxml", "org.yaml", "java.", "Exception", "`", "LinkedHashMap", "[Source");

  private ConfigContract() {}

  /** Outcome of one input (for the tests' counts). */
  enum Outcome {
    LOADED,
    REJECTED
  }

  /** Parses {@code text}; fails with {@code context} unless the contract holds. */
  static Outcome check(String text, String context) {
    try {
      GatewayConfig config = LOADER.parse(text, FILE);
      assertNotNull(config.gateway(), context);
      return Outcome.LOADED;
    } catch (ConfigException e) {
      checkException(e, text, context);
      return Outcome.REJECTED;
    } catch (Throwable t) {
      throw new AssertionError(
          context
              + ": expected a config or a ConfigException, got "
              + t
              + " for input: "
              + Mutator.shown(text),
          t);
    }
  }

  static ConfigException expectRejected(String text, String context) {
    if (check(text, context) == Outcome.LOADED) {
      fail(context + ": was accepted: " + Mutator.shown(text));
    }
    try {
      LOADER.parse(text, FILE);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("unreachable");
  }

  static void checkException(ConfigException e, String text, String context) {
    String where = context + " -> " + e.getMessage() + " for input: " + Mutator.shown(text);
    assertEquals(FILE, e.file(), where);
    assertTrue(e.getMessage().startsWith(FILE + ":"), where);
    String problem = e.problem();
    assertFalse(problem == null || problem.isBlank(), where);
    assertTrue(problem.length() <= 600, "message too long: " + where);
    assertFalse(problem.contains("\n"), "multi-line message: " + where);
    for (String leak : LEAKS) {
      // (unless the input itself has that text, e.g. a key "x!!java.lang.Object")
      assertFalse(problem.contains(leak) && !text.contains(leak), "leaks '" + leak + "': " + where);
    }
    if (e.line() == 0) {
      assertTrue(WHOLE_FILE.stream().anyMatch(problem::startsWith), "no line: " + where);
      assertEquals(0, e.column(), where);
    } else {
      long lines = text.chars().filter(c -> c == '\n' || c == '\r').count() + 1;
      assertTrue(e.line() >= 1 && e.line() <= lines + 1, "line out of the file: " + where);
      assertTrue(e.column() >= 1, "column: " + where);
    }
  }
}
