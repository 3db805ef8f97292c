package io.edgerule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's demo: within 30 s it shows an alarm reaching the broker, a pump write over Modbus
 * and a Zigbee light switched by the motion rule.
 */
class DemoIT {
  @TempDir Path tmp;

  @Test
  void showsAlarmsAndActionsWithinThirtySeconds() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new DemoCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("--duration", "30s", "--dir", tmp.toString());
    String log = out.toString();
    assertEquals(0, code, log + err);
    assertTrue(log.contains("raise alarm 'overtemp'"), log);
    assertTrue(log.contains("mqtt    edgerule/demo/alarms/overtemp/overtemp"), log);
    assertTrue(log.contains("\"active\":true"), log);
    assertTrue(log.contains("write tank/pump = true"), log);
    assertTrue(log.contains("device  tank/pump = true  OK"), log);
    assertTrue(log.contains("write hall_light/on_off = true"), log);
    assertTrue(log.contains("device  hall_light/on_off = true  OK"), log);
    assertTrue(
        log.matches("(?s).*\\| line +\\d+\\.\\d C \\d+ rpm [A-Z]+ \\|.*"),
        "OPC-UA values shown: " + log);
    assertTrue(log.contains("edgerule demo: stopped"), log);
  }
}
