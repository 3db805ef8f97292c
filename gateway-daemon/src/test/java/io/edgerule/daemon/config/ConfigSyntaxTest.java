package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A YAML syntax error is reported as what the YAML parser saw, at its place, even when the part
 * read before it already makes an invalid device (which used to be reported instead, misleadingly).
 */
class ConfigSyntaxTest {
  private static ConfigException rejected(String yaml) {
    return ConfigContract.expectRejected(yaml, "syntax");
  }

  @Test
  void aKeyIndentedByThreeSpacesIsReportedAsMisplacedNotAsMissing() {
    ConfigException e =
        rejected(
            """
            gateway: {id: gw}
            devices:
              - protocol: modbus-tcp
                name: tank
                host: 127.0.0.1
               points:
                  - {name: level, table: holding_register, address: 0}
            """);
    assertEquals(6, e.line(), e.getMessage());
    assertEquals(4, e.column(), e.getMessage());
    assertTrue(e.problem().startsWith("invalid YAML: "), e.problem());
    assertTrue(e.problem().contains("'points'"), e.problem());
    assertTrue(e.problem().contains("indented"), e.problem());
    assertFalse(e.problem().contains("at least one point"), e.problem());
  }

  @Test
  void anUnclosedBraceIsReportedWithWhereItWasOpened() {
    ConfigException e =
        rejected(
            """
            gateway: {id: gw}
            devices:
              - protocol: modbus-tcp
                name: tank
                host: 127.0.0.1
                points:
                  - {name: level, table: holding_register, address: 0, type: float32
                  - {name: pump, table: coil, address: 0}
            """);
    assertTrue(e.problem().startsWith("invalid YAML: "), e.problem());
    assertTrue(e.problem().contains("'{' at line 7, column 9 is not closed"), e.problem());
    assertFalse(e.problem().contains("is not one of"), e.problem());
    assertEquals(8, e.line(), e.getMessage());
  }

  @Test
  void anUnclosedBracketToo() {
    ConfigException e =
        rejected(
            """
            gateway: {id: gw}
            rules: [{name: a, wasm: a.wasm}
            mqtt: {broker: tcp://127.0.0.1:1883}
            """);
    assertTrue(e.problem().contains("'[' at line 2, column 8 is not closed"), e.problem());
  }
}
