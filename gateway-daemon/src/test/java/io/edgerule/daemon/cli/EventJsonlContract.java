package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import java.util.List;

/**
 * What {@link EventJsonl#parse} promises for any input: no exception; every non-blank line is an
 * event or an error with its number, in order; errors say what is wrong in one readable line; no
 * event carries a value or time the replay cannot use, or a NaN or infinity the line does not spell
 * out.
 */
final class EventJsonlContract {
  private static final List<String> LEAKS =
      List.of("com.fasterxml", "Exception", "`", "[Source", "REDACTED");

  private EventJsonlContract() {}

  static EventJsonl.Parsed check(List<String> lines, String context) {
    EventJsonl.Parsed parsed;
    try {
      parsed = EventJsonl.parse(lines);
    } catch (Throwable t) {
      throw new AssertionError(context + ": parse threw " + t, t);
    }
    checkParsed(parsed, nonBlank(lines), lines.size(), String.join("\n", lines), context);
    return parsed;
  }

  static long nonBlank(List<String> lines) {
    long n = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (i == 0 && line.startsWith("\ufeff")) {
        line = line.substring(1).strip();
      }
      n += line.isEmpty() ? 0 : 1;
    }
    return n;
  }

  static void checkParsed(
      EventJsonl.Parsed parsed, long nonBlank, int lineCount, String input, String context) {
    assertEquals(
        nonBlank,
        parsed.events().size() + parsed.errors().size(),
        context + ": every line is an event or an error: " + parsed.errors());
    int last = 0;
    for (EventJsonl.LineError e : parsed.errors()) {
      String where = context + ": " + e;
      assertTrue(e.line() > last && e.line() <= lineCount, "line number: " + where);
      last = e.line();
      assertFalse(e.message() == null || e.message().isBlank(), where);
      assertTrue(e.message().length() <= 500, "too long: " + where);
      assertFalse(e.message().contains("\n"), "multi-line: " + where);
      for (String leak : LEAKS) {
        // (unless the input has that text itself, e.g. a key "v`lue")
        assertFalse(
            e.message().contains(leak) && !input.contains(leak), "leaks '" + leak + "': " + where);
      }
    }
    for (PointEvent event : parsed.events()) {
      if (event.value() instanceof PointValue.Float64 f) {
        // Only spelled out ("NaN", "Infinity", "-Infinity", as the recorder writes them), never
        // a number out of range such as 1e999.
        assertTrue(
            Double.isFinite(f.value())
                || input.contains("\"" + f.value() + "\"") && input.contains("float64"),
            context + ": non-finite value in " + event);
      }
      event.receiveTime().toEpochMilli(); // throws if the virtual clock could not show it
      event.sourceTime().toEpochMilli();
    }
  }
}
