package io.edgerule.sandbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class LogTextTest {
  @Test
  void plainTextOfAnyScriptIsUnchangedAndNotCopied() {
    String text = "Grüße, 温度 25 °C 🌡 \\n stays a backslash and an n";
    assertSame(text, LogText.escape(text));
  }

  @Test
  void lineBreaksAndTerminalControlAreShownVisibly() {
    assertEquals("a\\nb\\rc\\td", LogText.escape("a\nb\rc\td"));
    assertEquals("\\u001b[2J\\u0000\\u007f\\u0085", LogText.escape("\u001b[2J\u0000\u007f\u0085"));
    assertEquals("x\\u2028y\\u2029z", LogText.escape("x\u2028y\u2029z"));
    assertEquals("\\u202eevil\\u2066", LogText.escape("\u202eevil\u2066"));
  }

  @Test
  void unpairedSurrogatesAreEscapedAndPairsKept() {
    assertEquals("\\ud800x", LogText.escape("\ud800x"));
    assertEquals("x\\udc00", LogText.escape("x\udc00"));
    assertEquals("\ud83c\udf21", LogText.escape("\ud83c\udf21"));
  }
}
