package io.edgerule.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hash chain detects every edit of a line, a removed, inserted or reordered line. */
class AuditLogTest {
  @TempDir Path tmp;
  Path file;
  List<String> original;

  @BeforeEach
  void write() throws IOException {
    file = tmp.resolve("audit.jsonl");
    AuditLog log = new AuditLog(file, "op@host", Clock.fixed(Rollouts.T0, ZoneOffset.UTC));
    log.append("start", "r1", 1, "waves: canary 2, 10 %, 100 %");
    log.append("next-wave", "r1", 2, "wave 0 passed: 2 of 2 committed");
    log.append("abort", "r1", 3, "wave 1: 3 of 10 failed (30.0 % > 5.0 %)");
    // A new log object (another process) continues the same chain.
    AuditLog.Entry e =
        new AuditLog(file, "op2@host", Clock.systemUTC()).append("rollback", "r1", 3, "rb-1");
    assertEquals(4, e.seq());
    original = Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  @Test
  void anUntouchedLogVerifiesAndItsHeadIsTheLastLinesHash() throws IOException {
    AuditLog.Verdict v = AuditLog.verify(file);
    assertTrue(v.intact(), v.problem().toString());
    assertEquals(4, v.lines());
    assertEquals(AuditLog.hash(original.get(3)), v.head());
    assertTrue(original.get(1).endsWith("\"prev\":\"" + AuditLog.hash(original.get(0)) + "\"}"));
    assertTrue(original.get(0).contains("\"prev\":\"" + AuditLog.GENESIS + "\""));
  }

  @Test
  void everyKindOfTamperingIsFoundAtTheLineAfterIt() throws IOException {
    assertBroken(edit(1, l -> l.replace("2 of 2", "2 of 3")), "audit.jsonl:3: prev does not match");
    List<String> removed = new ArrayList<>(original);
    removed.remove(1);
    assertBroken(removed, "audit.jsonl:2: seq 3, expected 2");
    List<String> swapped = new ArrayList<>(original);
    swapped.set(1, original.get(2));
    swapped.set(2, original.get(1));
    assertBroken(swapped, "audit.jsonl:2: seq 3, expected 2");
    // Renumbered after a removal: the hash chain still breaks.
    List<String> renumbered = new ArrayList<>(original);
    renumbered.remove(1);
    renumbered.set(1, renumbered.get(1).replace("\"seq\":3", "\"seq\":2"));
    assertBroken(renumbered, "audit.jsonl:2: prev does not match");
    assertBroken(edit(0, l -> l.substring(1)), "audit.jsonl:1: not JSON");
  }

  @Test
  void anEditOfTheLastLineChangesTheHead() throws IOException {
    String head = AuditLog.verify(file).head();
    write(edit(3, l -> l.replace("rb-1", "rb-2")));
    AuditLog.Verdict v = AuditLog.verify(file);
    assertTrue(v.intact());
    assertFalse(head.equals(v.head()), "the head kept elsewhere no longer matches");
  }

  @Test
  void aBrokenTailIsNotExtended() throws IOException {
    Files.writeString(file, original.get(0) + "\n{\"seq\":2,", StandardCharsets.UTF_8);
    AuditLog log = new AuditLog(file, "op", Clock.systemUTC());
    IOException e = assertThrows(IOException.class, () -> log.append("pause", "r1", 5, ""));
    assertTrue(e.getMessage().contains("incomplete"), e.getMessage());
    assertFalse(AuditLog.verify(file).intact());
  }

  private List<String> edit(int line, java.util.function.UnaryOperator<String> f) {
    List<String> l = new ArrayList<>(original);
    l.set(line, f.apply(l.get(line)));
    return l;
  }

  private void write(List<String> lines) throws IOException {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  private void assertBroken(List<String> lines, String expected) throws IOException {
    write(lines);
    AuditLog.Verdict v = AuditLog.verify(file);
    assertFalse(v.intact(), "tampering not found: " + lines);
    assertTrue(v.problem().get().startsWith(expected), v.problem().get());
  }
}
