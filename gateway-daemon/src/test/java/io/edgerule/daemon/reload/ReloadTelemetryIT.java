package io.edgerule.daemon.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.testing.PushAdapter;
import io.edgerule.daemon.testing.RecordingUplink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload applies the telemetry settings ({@code mqtt.telemetry}, {@code mqtt.telemetry_window}, a
 * device's {@code telemetry:}) between two events: no device is made again, a batch collected under
 * the old settings goes out whole at the reload, and the next event follows the new ones. Other
 * {@code mqtt:} settings are reported as needing a restart. The push adapter hands each sample in
 * synchronously and the journal publishes under the ingress lock, so every message is in the uplink
 * when {@code push} returns: what is not there was not sent.
 */
class ReloadTelemetryIT {
  private static final Pattern VALUE = Pattern.compile("\"value\":([0-9.]+)");

  @TempDir Path tmp;

  /** The push factory, counting the adapters it makes. */
  static final class Counting implements AdapterFactory<PushAdapter.Device> {
    final PushAdapter.Factory push = new PushAdapter.Factory();
    final List<PushAdapter> made = new CopyOnWriteArrayList<>();

    @Override
    public String protocol() {
      return push.protocol();
    }

    @Override
    public Class<PushAdapter.Device> configType() {
      return push.configType();
    }

    @Override
    public ProtocolAdapter createAdapter(List<PushAdapter.Device> unit, AdapterContext context) {
      ProtocolAdapter a = push.createAdapter(unit, context);
      made.add((PushAdapter) a);
      return a;
    }

    PushAdapter device(String name) {
      return made.stream().filter(a -> a.name().equals("push:" + name)).findFirst().orElseThrow();
    }
  }

  private static String config(String gatewayTelemetry, String tankExtra, int qos) {
    return """
        gateway: {id: tel-gw, state_dir: state}
        devices:
          - {protocol: push, name: tank%s}
          - {protocol: push, name: pump}
        mqtt: {broker: "tcp://127.0.0.1:1883", %s, telemetry_qos: %d}
        http: {enabled: false}
        """
        .formatted(tankExtra, gatewayTelemetry, qos);
  }

  /** The values in the messages on {@code topic}, in order (a batch gives several). */
  private static List<Double> values(RecordingUplink uplink, String topic) {
    List<Double> out = new ArrayList<>();
    for (RecordingUplink.Message m : uplink.on(topic)) {
      Matcher v = VALUE.matcher(new String(m.payload(), StandardCharsets.UTF_8));
      while (v.find()) {
        out.add(Double.valueOf(v.group(1)));
      }
    }
    return out;
  }

  @Test
  void telemetrySettingsApplyBetweenTwoEventsWithoutRemakingADeviceOrLosingABatch()
      throws Exception {
    Path file = tmp.resolve("gateway.yaml");
    Files.writeString(file, config("telemetry: per_point", "", 0));
    Counting factory = new Counting();
    ConfigLoader loader = new ConfigLoader(List.of(factory));
    RecordingUplink uplink = new RecordingUplink();
    String tankPoint = "edgerule/tel-gw/telemetry/tank/level";
    String pumpPoint = "edgerule/tel-gw/telemetry/pump/level";
    String tankBatch = "edgerule/tel-gw/telemetry-batch/tank";
    String pumpBatch = "edgerule/tel-gw/telemetry-batch/pump";
    try (Gateway gw =
        Gateway.start(
            loader.load(file), List.of(factory), GatewayListener.NONE, Clock.systemUTC(), uplink)) {
      gw.reloadFrom(ConfigSource.file(file, loader));
      PushAdapter tank = factory.device("tank");
      PushAdapter pump = factory.device("pump");
      tank.push("level", 1);
      pump.push("level", 1);
      assertEquals(List.of(1.0), values(uplink, tankPoint));
      assertEquals(List.of(1.0), values(uplink, pumpPoint));

      // 1. per_point -> batch with a long window: the next events wait in their batch.
      Files.writeString(file, config("telemetry: batch, telemetry_window: 1h", "", 0));
      ReloadReport toBatch = gw.reload().get();
      assertEquals(ReloadReport.Outcome.APPLIED, toBatch.outcome(), toBatch.summary());
      assertEquals(
          List.of("mqtt.telemetry", "mqtt.telemetry_window"),
          toBatch.appliedLive(),
          toBatch.summary());
      assertEquals(List.of(), toBatch.needsRestart(), toBatch.summary());
      assertTrue(toBatch.devices().isEmpty(), toBatch.summary());
      assertTrue(toBatch.summary().contains("applied live: mqtt.telemetry"), toBatch.summary());
      tank.push("level", 2);
      tank.push("level", 3);
      pump.push("level", 2);
      assertEquals(List.of(1.0), values(uplink, tankPoint), "no per-point message in batch mode");
      assertEquals(List.of(), values(uplink, tankBatch), "the window (1h) has not run out");

      // 2. Gateway off, the tank per point (its own setting): the batches collected under the
      //    old settings go out at the reload, whole; then each device follows its new setting.
      Files.writeString(
          file, config("telemetry: \"off\", telemetry_window: 1h", ", telemetry: per_point", 0));
      ReloadReport split = gw.reload().get();
      assertEquals(
          List.of("mqtt.telemetry", "devices[tank].telemetry"),
          split.appliedLive(),
          split.summary());
      assertEquals(List.of(2.0, 3.0), values(uplink, tankBatch), "the tank's batch, sent whole");
      assertEquals(List.of(2.0), values(uplink, pumpBatch), "the pump's batch, sent whole");
      tank.push("level", 4);
      pump.push("level", 3);
      assertEquals(List.of(1.0, 4.0), values(uplink, tankPoint), "the tank per point again");
      assertEquals(List.of(1.0), values(uplink, pumpPoint), "the pump sends nothing (off)");
      assertEquals(List.of(2.0), values(uplink, pumpBatch), "the pump sends nothing (off)");

      // 3. The same file again: nothing.
      ReloadReport same = gw.reload().get();
      assertEquals(ReloadReport.Outcome.UNCHANGED, same.outcome(), same.summary());
      assertEquals(List.of(), same.appliedLive(), same.summary());

      // 4. A setting the namespace takes at start is reported, not silently ignored, at every
      //    reload until a restart; the live settings still work.
      Files.writeString(
          file, config("telemetry: \"off\", telemetry_window: 1h", ", telemetry: per_point", 1));
      for (int i = 0; i < 2; i++) {
        ReloadReport qos = gw.reload().get();
        assertEquals(ReloadReport.Outcome.UNCHANGED, qos.outcome(), qos.summary());
        assertEquals(List.of("mqtt.telemetry_qos"), qos.needsRestart(), qos.summary());
        assertTrue(
            qos.summary()
                .contains("needs restart (running with the old values): mqtt.telemetry_qos"),
            qos.summary());
      }
      tank.push("level", 5);
      List<RecordingUplink.Message> perPoint = uplink.on(tankPoint);
      assertEquals(0, perPoint.get(perPoint.size() - 1).qos(), "still the old QoS");

      assertEquals(2, factory.made.size(), "no adapter was made again: " + factory.made);
      assertFalse(tank.closed || pump.closed, "no adapter was closed");
      assertEquals(
          Map.of("tank", 5, "pump", 2),
          Map.of(
              "tank",
              values(uplink, tankPoint).size() + values(uplink, tankBatch).size(),
              "pump",
              values(uplink, pumpPoint).size() + values(uplink, pumpBatch).size()),
          "every event sent under a mode that sends, exactly once");
    }
  }
}
