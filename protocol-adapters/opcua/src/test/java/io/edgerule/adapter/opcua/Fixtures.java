package io.edgerule.adapter.opcua;

import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.ValueType;
import java.time.Duration;
import java.util.List;

/** Small helpers shared by the ITs. */
final class Fixtures {
  private Fixtures() {}

  static final Backoff FAST_RETRY =
      new Backoff(Duration.ofMillis(200), Duration.ofMillis(500), 1.5);

  static final PointId COUNTER = new PointId("plc", "line/counter");
  static final PointId COMMAND = new PointId("plc", "pump/command");

  static final List<OpcUaPointConfig> POINTS =
      List.of(
          new OpcUaPointConfig(
              "line/counter",
              "ns=2;s=Line/Counter",
              ValueType.INT64,
              Duration.ofMillis(50),
              null,
              null,
              false),
          OpcUaPointConfig.writable("pump/command", "ns=2;s=Pump/Command", ValueType.BOOL));

  static OpcUaDeviceConfig device(
      String endpoint,
      SecurityPolicyName policy,
      SecurityMode mode,
      OpcUaIdentity identity,
      Duration requestTimeout) {
    return new OpcUaDeviceConfig(
        "plc",
        endpoint,
        policy,
        mode,
        identity,
        Duration.ofMillis(100),
        requestTimeout,
        FAST_RETRY,
        POINTS);
  }

  static ProtocolAdapter adapter(OpcUaDeviceConfig device, TestContext ctx) {
    return new OpcUaAdapterFactory().createAll(List.of(device), ctx.context()).get(0);
  }
}
