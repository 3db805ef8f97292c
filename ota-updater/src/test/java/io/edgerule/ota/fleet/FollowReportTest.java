package io.edgerule.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.trust.internal.Doc;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FollowReportTest {
  @Test
  void roundTripsAndRefusesUnknownKeys() throws Exception {
    FollowReport r =
        new FollowReport(
            "gw-1",
            "plant-2.1.0",
            7,
            1,
            true,
            "tried",
            UpdateState.ROLLED_BACK,
            new ImageId("plant", "2.0", 6),
            Rollouts.T0);
    assertEquals(r, FollowReport.fromJson(r.toJson(), "t"));
    FollowReport none =
        new FollowReport("gw-1", null, 0, -1, false, "no rollout", null, null, Rollouts.T0);
    assertEquals(none, FollowReport.fromJson(none.toJson(), "t"));
    String bad = new String(r.toJson(), StandardCharsets.UTF_8).replace("\"wave\"", "\"wav\"");
    Doc.Invalid e =
        assertThrows(
            Doc.Invalid.class,
            () -> FollowReport.fromJson(bad.getBytes(StandardCharsets.UTF_8), "gw-1/ota/follow"));
    assertTrue(e.getMessage().startsWith("gw-1/ota/follow: wav: unknown key"), e.getMessage());
  }

  @Test
  void topicsNameTheGatewayTheyBelongTo() {
    FleetTopics t = new FleetTopics("edgerule");
    assertEquals("gw-1", t.gatewayOf(t.status("gw-1")));
    assertEquals("gw-1", t.gatewayOf(t.follow("gw-1")));
    assertEquals(null, t.gatewayOf(t.rollout()));
    assertEquals(null, t.gatewayOf("other/gw-1/ota/status"));
    assertThrows(IllegalArgumentException.class, () -> new FleetTopics("a/+"));
  }
}
