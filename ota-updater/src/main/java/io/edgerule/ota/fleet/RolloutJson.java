package io.edgerule.ota.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.ota.trust.internal.Doc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rollout document ({@code <prefix>/fleet/rollout}, retained): written with a fixed key order,
 * read strictly (an unknown or repeated key, a wrong type or value is refused with the field's
 * path). Reference: docs/reference/ota-topics.md.
 *
 * <pre>{@code
 * {"type":"edgerule-rollout/v1","id":"plant-2.1.0","revision":7,
 *  "image":{"sha256":"…","size":18342,"name":"plant","version":"2.1.0","security_version":7},
 *  "state":"RUNNING","wave":1,"wave_passed":false,
 *  "waves":[{"canary":["gw-001","gw-002"],"min_sample":2,"success_percent":100,
 *            "error_percent":0,"soak_seconds":600,"timeout_seconds":3600,"approval":true},
 *           {"percent":10,"min_sample":20,...}, {"percent":100,...}],
 *  "created":"…","wave_started":"…","updated":"…","reason":"wave 0 passed: 2 of 2 committed"}
 * }</pre>
 */
public final class RolloutJson {
  public static final String TYPE = "edgerule-rollout/v1";

  private static final Set<String> KEYS =
      Set.of(
          "type",
          "id",
          "revision",
          "image",
          "state",
          "wave",
          "wave_passed",
          "waves",
          "created",
          "wave_started",
          "updated",
          "reason");
  private static final Set<String> WAVE_KEYS =
      Set.of(
          "canary",
          "percent",
          "min_sample",
          "success_percent",
          "error_percent",
          "soak_seconds",
          "timeout_seconds",
          "approval");

  private RolloutJson() {}

  public static byte[] write(Rollout r) {
    ObjectNode o = FleetJson.JSON.createObjectNode();
    o.put("type", TYPE);
    o.put("id", r.id());
    o.put("revision", r.revision());
    FleetJson.putImage(o.putObject("image"), r.image());
    o.put("state", r.state().name());
    o.put("wave", r.wave());
    o.put("wave_passed", r.wavePassed());
    ArrayNode ws = o.putArray("waves");
    for (Wave w : r.waves()) {
      ObjectNode n = ws.addObject();
      if (w.isCanary()) {
        w.canary().forEach(n.putArray("canary")::add);
      } else {
        n.put("percent", w.percent());
      }
      n.put("min_sample", w.minSample());
      n.put("success_percent", w.successPercent());
      n.put("error_percent", w.errorPercent());
      n.put("soak_seconds", w.soak().toSeconds());
      n.put("timeout_seconds", w.timeout().toSeconds());
      n.put("approval", w.approval());
    }
    o.put("created", r.created().toString());
    o.put("wave_started", r.waveStarted().toString());
    o.put("updated", r.updated().toString());
    o.put("reason", r.reason());
    return FleetJson.bytes(o);
  }

  /**
   * @param where names the document in errors (usually the topic)
   * @throws Doc.Invalid with the field's path and what is wrong
   */
  public static Rollout read(byte[] json, String where) throws Doc.Invalid {
    Doc d = FleetJson.typed(json, where, TYPE, KEYS);
    String id = d.text("id");
    long revision = d.integer("revision", 1, Long.MAX_VALUE);
    RolloutImage image = FleetJson.image(d.object("image"));
    String stateText = d.text("state");
    RolloutState state;
    try {
      state = RolloutState.valueOf(stateText);
    } catch (IllegalArgumentException e) {
      throw new Doc.Invalid(
          d.at("state"), "'" + stateText + "' is not one of RUNNING, PAUSED, ABORTED, DONE");
    }
    int wave = (int) d.integer("wave", 0, Rollout.MAX_WAVES - 1);
    boolean passed = d.bool("wave_passed");
    List<Wave> waves = new ArrayList<>();
    for (Doc w : d.objects("waves", Rollout.MAX_WAVES)) {
      waves.add(wave(w));
    }
    var created = d.instant("created");
    var started = d.instant("wave_started");
    var updated = d.instant("updated");
    String reason = d.text("reason");
    return FleetJson.checked(
        where,
        () ->
            new Rollout(
                id, revision, image, state, wave, passed, waves, created, started, updated,
                reason));
  }

  private static Wave wave(Doc w) throws Doc.Invalid {
    w.only(WAVE_KEYS);
    List<String> canary = w.has("canary") ? w.texts("canary", Wave.MAX_CANARY) : List.of();
    double percent = w.has("percent") ? w.number("percent", 0, 100) : 0;
    int minSample = (int) w.integer("min_sample", 1, Integer.MAX_VALUE);
    double success = w.number("success_percent", 0, 100);
    double errors = w.number("error_percent", 0, 100);
    Duration soak = Duration.ofSeconds(w.integer("soak_seconds", 0, 366L * 86400));
    Duration timeout = Duration.ofSeconds(w.integer("timeout_seconds", 1, 366L * 86400));
    boolean approval = w.bool("approval");
    return FleetJson.checked(
        w.path(),
        () -> new Wave(canary, percent, minSample, success, errors, soak, timeout, approval));
  }
}
