package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgerule.daemon.testing.Mutator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code edgerule write} listens on cmd-result, where anyone on the broker may publish: whatever
 * arrives there is ignored unless it is the answer to its own command (an exception out of the Paho
 * listener drops the connection). A bad {@code --timeout} is an error message, not a trace.
 */
class WriteCommandAnswerFuzzTest {
  private static final long SEED = 0xA115E5L;
  private static final String ID = "cli-1234";
  private static final String ANSWER =
      "{\"id\":\"cli-1234\",\"command\":\"write\",\"status\":\"OK\"}";

  @TempDir Path tmp;

  @Test
  void onlyItsOwnWellFormedAnswerIsTaken() {
    JsonNode own = WritePointCommand.answerFor(ID, ANSWER.getBytes(StandardCharsets.UTF_8));
    assertNotNull(own);
    assertEquals("OK", own.path("status").asText());
    Mutator mutator = new Mutator(SEED, List.of("null", "[]", "{}", "\"cli-1234\"", "\u0000"));
    int taken = 0;
    for (int i = 0; i < 2_000; i++) {
      Mutator.Mutant m = mutator.mutate(ANSWER);
      JsonNode n;
      try {
        n = WritePointCommand.answerFor(ID, m.text().getBytes(StandardCharsets.UTF_8));
      } catch (Throwable t) {
        throw new AssertionError("seed " + SEED + ", mutant " + i + " (" + m.how() + "): " + t, t);
      }
      if (n != null) {
        taken++;
        assertEquals(ID, n.path("id").asText(), m.how());
      }
    }
    assertTrue(taken > 0 && taken < 2_000, "some mutants still are the answer: " + taken);
    for (byte[] junk : new byte[][] {null, {}, {(byte) 0xff}, "[1]".getBytes(), "1".getBytes()}) {
      assertEquals(null, WritePointCommand.answerFor(ID, junk));
    }
  }

  @Test
  void aBadTimeoutIsAMessage() throws Exception {
    Path config = tmp.resolve("gateway.yaml");
    Files.writeString(config, "gateway: {id: gw}\nmqtt: {broker: 'tcp://127.0.0.1:1'}\n");
    for (String timeout : List.of("soon", "PT-1S", "99999999999999999999d")) {
      StringWriter err = new StringWriter();
      CommandLine cli = new CommandLine(new EdgeruleCommand());
      cli.setErr(new PrintWriter(err));
      cli.setOut(new PrintWriter(new StringWriter()));
      int code =
          cli.execute("write", "-c", config.toString(), "--timeout", timeout, "tank/pump", "true");
      assertEquals(ExitCodes.FAILURE, code, err.toString());
      assertTrue(err.toString().startsWith("edgerule: --timeout: "), err.toString());
      assertFalse(err.toString().contains("Exception"), err.toString());
    }
  }
}
