package io.edgerule.daemon.zigbee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.cli.Factories;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.sim.zigbee.VirtualDevice;
import io.edgerule.sim.zigbee.ZigbeeSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, done-when: a virtual motion sensor joins through the XBee simulator, is discovered, its
 * reports reach a WebAssembly rule as points, the rule's command reaches a virtual light, and a
 * restart of the gateway resumes the network without re-pairing.
 */
class ZigbeeGatewayIT {
  /** Far above what a step takes (about 2 s idle), for a loaded 2-core CI machine. */
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final long MOTION = 0x00124B0001ABCD02L;
  private static final long LIGHT = 0x00124B0001ABCD04L;

  static {
    // the daemon's tests run with logback's default (DEBUG); the Zigbee library is very chatty
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("com.zsmartsystems"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
  }

  @TempDir Path tmp;

  /** The rule from its WebAssembly text, with wat2wasm (Debian package "wabt"). */
  private Path buildRule() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("rules"));
    for (String f : List.of("motion_light.wat", "motion_light.yaml")) {
      try (InputStream in = getClass().getResourceAsStream("/zigbee/" + f)) {
        Files.copy(in, dir.resolve(f));
      }
    }
    Process p;
    try {
      p =
          new ProcessBuilder(
                  "wat2wasm",
                  dir.resolve("motion_light.wat").toString(),
                  "-o",
                  dir.resolve("motion_light.wasm").toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      fail(
          "wat2wasm is needed to build the test rule: install the Debian package 'wabt' ("
              + e
              + ")");
      throw e;
    }
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "wat2wasm finished");
    assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    return dir;
  }

  private static GatewayConfig config(Path file, ZigbeeSimulator sim, String permitJoin)
      throws Exception {
    Files.writeString(
        file,
        """
        gateway:
          id: zigbee-it
          state_dir: state
        devices:
          - protocol: zigbee
            name: zigbee
            port: tcp://127.0.0.1:%d
            dongle: xbee
            permit_join: %s
            report_max_interval: 60s
            devices:
              00124b0001abcd02: hall_motion
              00124b0001abcd04: hall_light
        rules:
          - {name: motion_light, wasm: rules/motion_light.wasm}
        """
            .formatted(sim.tcpPort(), permitJoin));
    return new ConfigLoader(Factories.installed()).load(file);
  }

  @Test
  void motionSwitchesTheLightThroughARuleAndARestartDoesNotRepair() throws Exception {
    buildRule();
    VirtualDevice motion = VirtualDevice.motionSensor(MOTION);
    VirtualDevice light = VirtualDevice.light(LIGHT);
    List<PointEvent> events = new CopyOnWriteArrayList<>();
    GatewayListener listener =
        new GatewayListener() {
          @Override
          public void onEvent(PointEvent event) {
            events.add(event);
          }
        };
    PointId occupancy = PointId.parse("hall_motion/occupancy");
    try (ZigbeeSimulator sim = ZigbeeSimulator.builder().device(motion).device(light).startTcp(0)) {
      Path file = tmp.resolve("gateway.yaml");
      try (Gateway gw =
          Gateway.start(
              config(file, sim, "120s"), Factories.installed(), listener, Clock.systemUTC())) {
        assertEquals(List.of(), List.copyOf(gw.failedRules().keySet()));
        Poll.until(
            () -> !light.bindings().isEmpty() && !motion.bindings().isEmpty(),
            WAIT,
            "both devices paired, discovered and reporting to the gateway");
        Poll.until(
            () -> events.stream().anyMatch(e -> e.point().equals(occupancy)),
            WAIT,
            "the motion sensor's occupancy reached the gateway as a point");
        motion.setOccupied(true);
        Poll.until(light::isOn, WAIT, "the rule switched the light on");
        motion.setOccupied(false);
        Poll.until(() -> !light.isOn(), WAIT, "the rule switched the light off");
      }
      assertEquals(2, sim.totalJoins());

      try (Gateway gw =
          Gateway.start(
              config(file, sim, "0s"), Factories.installed(), listener, Clock.systemUTC())) {
        assertEquals(1, gw.rules().size());
        int before = events.size();
        motion.setOccupied(true);
        Poll.until(light::isOn, WAIT, "after the restart the rule switches the light again");
        assertTrue(
            events.subList(before, events.size()).stream()
                .anyMatch(
                    e -> e.point().equals(occupancy) && PointValue.of(true).equals(e.value())),
            "occupancy reports arrive after the restart");
        assertEquals(2, sim.totalJoins(), "no device joined again");
        assertFalse(sim.permitJoinOpen(), "the network was resumed, not opened for pairing");
      }
    }
  }
}
