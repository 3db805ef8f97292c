package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code edgerule write}'s VALUE: what the shell hands over is the value. The help used to say
 * "text (quote it)", and the quotes people then added reached the device ({@code "edgerule-cli"}
 * with its quotes).
 */
class WriteValueGrammarTest {
  private static String help() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new EdgeruleCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    assertEquals(0, cli.execute("write", "--help"));
    return out.toString().replaceAll("\\s+", " ");
  }

  @Test
  void theHelpSaysTextIsTakenAsItIsAndDoesNotAskForQuotes() {
    String help = help();
    assertFalse(help.contains("quote it"), help);
    assertTrue(help.contains("anything else is text, taken as it is"), help);
    assertTrue(help.contains("--text"), help);
  }

  @Test
  void valuesByTheirLook() {
    assertTrue(WritePointCommand.parseValue("true", false).isBoolean());
    assertEquals(12L, WritePointCommand.parseValue("12", false).longValue());
    assertTrue(WritePointCommand.parseValue("12", false).isIntegralNumber());
    assertEquals(1.5, WritePointCommand.parseValue("1.5", false).doubleValue());
    JsonNode text = WritePointCommand.parseValue("edgerule-cli", false);
    assertEquals("edgerule-cli", text.textValue());
  }

  @Test
  void textIsTakenAsItIsAndTextFlagKeepsNumbersAsText() {
    // What the shell passes for '"x"' is a value with quotes in it: it is sent as it is.
    assertEquals("\"x\"", WritePointCommand.parseValue("\"x\"", false).textValue());
    assertEquals("hello world", WritePointCommand.parseValue("hello world", false).textValue());
    assertEquals("12", WritePointCommand.parseValue("12", true).textValue());
    assertEquals("true", WritePointCommand.parseValue("true", true).textValue());
  }
}
