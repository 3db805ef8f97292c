package io.edgerule.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.ota.trust.internal.Doc;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutJsonTest {
  private final Rollout r =
      Rollouts.running(1, Rollouts.canary("gw-1", "gw-2"), Rollouts.wave(10), Rollouts.wave(100))
          .next(RolloutState.PAUSED, 1, true, Rollouts.T0.plusSeconds(60), "wave 1 passed");

  @Test
  void roundTripsEveryField() throws Exception {
    byte[] json = RolloutJson.write(r);
    Rollout back = RolloutJson.read(json, "t");
    assertEquals(r, back);
    assertEquals(2, back.revision());
    assertEquals(Rollouts.T0, back.waveStarted(), "the wave did not change: soak goes on");
  }

  @Test
  void theWireFormatIsTheDocumentedOne() throws Exception {
    String json = new String(RolloutJson.write(r), StandardCharsets.UTF_8);
    assertEquals(
        "{\"type\":\"edgerule-rollout/v1\",\"id\":\"plant-2.1.0\",\"revision\":2,"
            + "\"image\":{\"sha256\":\""
            + "ab".repeat(32)
            + "\",\"size\":18342,\"name\":\"plant\",\"version\":\"2.1.0\",\"security_version\":7},"
            + "\"state\":\"PAUSED\",\"wave\":1,\"wave_passed\":true,\"waves\":["
            + "{\"canary\":[\"gw-1\",\"gw-2\"],\"min_sample\":5,\"success_percent\":95.0,"
            + "\"error_percent\":5.0,\"soak_seconds\":600,\"timeout_seconds\":3600,\"approval\":false},"
            + "{\"percent\":10.0,\"min_sample\":5,\"success_percent\":95.0,\"error_percent\":5.0,"
            + "\"soak_seconds\":600,\"timeout_seconds\":3600,\"approval\":false},"
            + "{\"percent\":100.0,\"min_sample\":5,\"success_percent\":95.0,\"error_percent\":5.0,"
            + "\"soak_seconds\":600,\"timeout_seconds\":3600,\"approval\":false}],"
            + "\"created\":\"2026-12-07T10:00:00Z\",\"wave_started\":\"2026-12-07T10:00:00Z\","
            + "\"updated\":\"2026-12-07T10:01:00Z\",\"reason\":\"wave 1 passed\"}",
        json);
  }

  @Test
  void refusesWhatIsNotExactlyARollout() {
    String ok = new String(RolloutJson.write(r), StandardCharsets.UTF_8);
    assertRefused(ok.replace("\"reason\"", "\"extra\":1,\"reason\""), "t: extra: unknown key");
    assertRefused(ok.replace("\"revision\":2", "\"revision\":2,\"revision\":3"), "Duplicate field");
    assertRefused(ok.replace("\"PAUSED\"", "\"PAUSING\""), "t: state: 'PAUSING' is not one of");
    assertRefused(ok.replace("\"wave\":1", "\"wave\":\"1\""), "t: wave: must be a whole number");
    assertRefused(
        ok.replace("\"percent\":10.0", "\"percent\":100.0"),
        "t: waves[2]: percent 100.0 must be above the previous wave's 100.0");
    assertRefused(ok.replace("\"size\":18342", "\"size\":0"), "t: image.size: 0 is out of range");
    assertRefused(ok.replace("\"sha256\":\"ab", "\"sha256\":\"AB"), "t: image: image.sha256: 'AB");
    assertRefused(
        ok.replace("\"success_percent\":95.0", "\"success_percent\":90.0"),
        "success_percent (90.0) + error_percent (5.0) must be >= 100");
    assertRefused(ok + " {}", "not valid JSON");
    assertRefused(ok.replace("\"wave_passed\":true", "\"wave_passed\":1"), "must be true or false");
  }

  @Test
  void anImageMayNameDownloadUrls() throws Exception {
    RolloutImage img =
        r.image()
            .withUrls(
                List.of(
                    URI.create("https://cdn.example.com/plant-2.1.0.rimg"),
                    URI.create("http://10.0.0.5:8080/images/plant.rimg?v=7")));
    Rollout withUrls =
        new Rollout(
            r.id(),
            r.revision(),
            img,
            r.state(),
            r.wave(),
            r.wavePassed(),
            r.waves(),
            r.created(),
            r.waveStarted(),
            r.updated(),
            r.reason());
    String json = new String(RolloutJson.write(withUrls), StandardCharsets.UTF_8);
    assertTrue(
        json.contains(
            "\"security_version\":7,\"urls\":[\"https://cdn.example.com/plant-2.1.0.rimg\","
                + "\"http://10.0.0.5:8080/images/plant.rimg?v=7\"]}"),
        json);
    assertEquals(withUrls, RolloutJson.read(json.getBytes(StandardCharsets.UTF_8), "t"));
    // without URLs the document is as before (older gateways read it)
    assertFalse(new String(RolloutJson.write(r), StandardCharsets.UTF_8).contains("urls"));

    String ok = json;
    String first = "https://cdn.example.com/plant-2.1.0.rimg";
    assertRefused(ok.replace(first, "ftp://cdn.example.com/p.rimg"), "is not an https://");
    assertRefused(ok.replace(first, "https://user:pw@cdn.example.com/p"), "carries user info");
    assertRefused(ok.replace(first, "https://cdn.example.com/p#x"), "has a fragment");
    assertRefused(ok.replace(first, "/relative/p.rimg"), "is not an https://");
    assertRefused(ok.replace(first, "https://cdn example.com/"), "t: image.urls[0]: '");
    assertRefused(
        ok.replace("\"urls\":[", "\"urls\":[" + "\"https://a.example/x\",".repeat(8)),
        "t: image.urls: has 10 entries; at most 8");
  }

  private static void assertRefused(String json, String expected) {
    Doc.Invalid e =
        assertThrows(
            Doc.Invalid.class,
            () -> RolloutJson.read(json.getBytes(StandardCharsets.UTF_8), "t"),
            json);
    if (!e.getMessage().contains(expected)) {
      throw new AssertionError("'" + e.getMessage() + "' does not contain '" + expected + "'");
    }
  }
}
