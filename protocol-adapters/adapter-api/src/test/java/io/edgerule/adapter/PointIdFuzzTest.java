package io.edgerule.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Point ids and patterns from random text (wildcards, empty segments, unicode, control characters,
 * very long names): a valid id that prints back to itself, or an IllegalArgumentException that
 * quotes what was wrong; patterns match exactly what MQTT's wildcard rules say.
 */
class PointIdFuzzTest {
  private static final long SEED = 0x5EED_3001L;
  private static final String[] PIECES = {
    "a", "tank", "Z9", "_", ".", ":", "-", "/", "/", "/", "+", "#", " ", "é", "温", "\u0000", "\n",
    "😀", "\\", "*", "$"
  };

  private static String text(SplittableRandom r, int maxPieces) {
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(0, maxPieces); i > 0; i--) {
      s.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return s.toString();
  }

  @Test
  void parsingGivesAnIdThatPrintsBackOrAnErrorThatQuotesTheText() {
    SplittableRandom r = new SplittableRandom(SEED);
    Pattern segment = Pattern.compile("[A-Za-z0-9_.:\\-]+");
    int parsed = 0;
    for (int n = 0; n < 20_000; n++) {
      String text = r.nextBoolean() ? text(r, 8) : "tank" + text(r, 2) + "/level" + text(r, 3);
      String where = "seed " + SEED + " case " + n + ": '" + text + "'";
      PointId id;
      try {
        id = PointId.parse(text);
      } catch (IllegalArgumentException e) {
        assertNotNull(e.getMessage(), where);
        assertTrue(e.getMessage().contains("'"), where + ": " + e.getMessage());
        continue;
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      parsed++;
      assertEquals(text, id.toString(), where);
      assertEquals(id, PointId.parse(id.toString()), where);
      assertTrue(segment.matcher(id.device()).matches(), where);
      for (String s : id.point().split("/", -1)) {
        assertTrue(segment.matcher(s).matches(), where);
      }
      assertEquals(0, id.compareTo(new PointId(id.device(), id.point())), where);
    }
    assertTrue(parsed > 500, "too few parsed (" + parsed + "): the generator is off");
  }

  /** MQTT topic filter semantics, written independently: + is one level, a last # any rest. */
  private static boolean mqttMatches(String filter, String topic) {
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    int i = 0;
    for (; i < f.length; i++) {
      if (f[i].equals("#")) {
        return true;
      }
      if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
        return false;
      }
    }
    return i == t.length;
  }

  @Test
  void patternsMatchLikeMqttTopicFilters() {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    String[] levels = {"a", "b", "tank", "+", "#", "", "a+", "#b"};
    for (int n = 0; n < 20_000; n++) {
      StringBuilder filter = new StringBuilder(levels[r.nextInt(levels.length)]);
      for (int i = r.nextInt(0, 4); i > 0; i--) {
        filter.append('/').append(levels[r.nextInt(levels.length)]);
      }
      String text = filter.toString();
      String where = "seed " + (SEED + 1) + " case " + n + ": pattern '" + text + "'";
      PointPattern p;
      try {
        p = PointPattern.parse(text);
      } catch (IllegalArgumentException e) {
        assertTrue(e.getMessage().contains("'" + text.trim() + "'"), where + ": " + e.getMessage());
        boolean invalid =
            text.isEmpty()
                || text.startsWith("/")
                || text.endsWith("/")
                || text.contains("//")
                || text.contains("a+")
                || text.contains("#b")
                || (text.contains("#") && text.indexOf('#') != text.length() - 1);
        assertTrue(invalid, where + ": a valid pattern was refused: " + e.getMessage());
        continue;
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      assertEquals(p, PointPattern.parse(p.toString()), where);
      for (int k = 0; k < 10; k++) {
        StringBuilder topic = new StringBuilder(new String[] {"a", "b", "tank", ""}[r.nextInt(4)]);
        for (int i = r.nextInt(0, 4); i > 0; i--) {
          topic.append('/').append(new String[] {"a", "b", "tank", ""}[r.nextInt(4)]);
        }
        String t = topic.toString();
        assertEquals(mqttMatches(text, t), p.matches(t), where + " against '" + t + "'");
      }
    }
  }

  @Test
  void qualityNeedsAReasonUnlessGood() {
    SplittableRandom r = new SplittableRandom(SEED + 2);
    String[] reasons = {null, "", " ", "\n", "timeout after 1000 ms", "é"};
    for (int n = 0; n < 1_000; n++) {
      Quality.Status status = Quality.Status.values()[r.nextInt(3)];
      String reason = reasons[r.nextInt(reasons.length)];
      String where = "seed " + (SEED + 2) + " case " + n + ": " + status + " '" + reason + "'";
      try {
        Quality q = new Quality(status, reason);
        assertNotNull(q.reason(), where);
        assertTrue(status == Quality.Status.GOOD || !q.reason().isBlank(), where);
        assertFalse(q.toString().isBlank(), where);
      } catch (IllegalArgumentException e) {
        assertTrue(status != Quality.Status.GOOD, where);
        assertFalse(e.getMessage().isBlank(), where);
      }
    }
  }
}
