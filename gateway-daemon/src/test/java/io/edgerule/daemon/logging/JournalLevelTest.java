package io.edgerule.daemon.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JournalLevelTest {
  @Test
  void levelsMapToSyslogPriorities() {
    assertEquals("<3>", JournalLevel.prefix(Level.ERROR));
    assertEquals("<4>", JournalLevel.prefix(Level.WARN));
    assertEquals("<6>", JournalLevel.prefix(Level.INFO));
    assertEquals("<7>", JournalLevel.prefix(Level.DEBUG));
    assertEquals("<7>", JournalLevel.prefix(Level.TRACE));
  }

  @Test
  void prefixesOnlyWhenJournalStreamIsOurOutput() {
    String stdout = JournalLevel.deviceAndInode(Path.of("/proc/self/fd/1"));
    assertTrue(stdout.matches("\\d+:\\d+"), stdout);
    assertTrue(JournalLevel.outputIsJournal(stdout));
    // Inherited from a parent whose output was the journal, but ours is elsewhere: no prefixes.
    assertFalse(JournalLevel.outputIsJournal("1:1"));
    assertFalse(JournalLevel.outputIsJournal(null));
    assertFalse(JournalLevel.outputIsJournal(""));
  }
}
