package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fleet commands' MQTT client id stays within what every MQTT 3.1.1 broker must accept. */
class BrokerOptionsClientIdTest {
  @Test
  void twentyThreeLettersAndDigitsAndANewOneEachTime() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = BrokerOptions.clientId();
      assertTrue(id.matches("edgerulefleet[0-9a-z]{10}"), id);
      assertEquals(23, id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, id);
      ids.add(id);
    }
    assertEquals(1000, ids.size(), "random per command");
  }
}
