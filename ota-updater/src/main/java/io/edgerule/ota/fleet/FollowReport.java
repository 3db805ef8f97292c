package io.edgerule.ota.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.trust.internal.Doc;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What a gateway makes of the current rollout, published retained on {@code
 * <prefix>/<gateway>/ota/follow} when it changes (also for each new revision seen): the controller
 * learns from it which gateways exist and which revision each has seen, also those the rollout does
 * not reach yet.
 *
 * <pre>{@code
 * {"gateway":"gw-001","rollout":"plant-2.1.0","revision":7,"wave":1,"install":true,
 *  "detail":"installing","result":null,"running":{"name":"plant","version":"2.0.3","security_version":6},
 *  "time":"2026-12-07T06:00:00Z"}
 * }</pre>
 *
 * @param rollout the rollout seen (null: none)
 * @param revision its revision (0: none)
 * @param wave the first wave covering this gateway (-1: none)
 * @param install whether the rollout asks this gateway to install now
 * @param detail what the gateway does about it (installing, running it, already tried, halted by a
 *     rollback switch, waiting for its wave, ...)
 * @param result how this gateway's install of the rollout's image ended (COMMITTED, ROLLED_BACK,
 *     REJECTED), null while it has not ended or never started; also set when the status topic
 *     cannot say it (an image refused before its manifest was read has no name there)
 * @param running the image the gateway runs (null: its config's rules)
 */
public record FollowReport(
    String gateway,
    String rollout,
    long revision,
    int wave,
    boolean install,
    String detail,
    UpdateState result,
    ImageId running,
    Instant time) {
  private static final Set<String> KEYS =
      Set.of(
          "gateway",
          "rollout",
          "revision",
          "wave",
          "install",
          "detail",
          "result",
          "running",
          "time");

  public FollowReport {
    Ids.check("gateway", gateway);
    if (rollout != null) {
      Ids.check("rollout", rollout);
    }
    Objects.requireNonNull(time, "time");
    detail = detail == null ? "" : detail;
    if (result != null && !result.isFinal()) {
      throw new IllegalArgumentException("result must be a final state, got " + result);
    }
  }

  /** True if {@code o} says the same, whatever its time. */
  public boolean sameAs(FollowReport o) {
    return o != null
        && o.gateway.equals(gateway)
        && Objects.equals(o.rollout, rollout)
        && o.revision == revision
        && o.wave == wave
        && o.install == install
        && o.detail.equals(detail)
        && o.result == result
        && Objects.equals(o.running, running);
  }

  public byte[] toJson() {
    ObjectNode o = FleetJson.JSON.createObjectNode();
    o.put("gateway", gateway);
    if (rollout == null) {
      o.putNull("rollout");
    } else {
      o.put("rollout", rollout);
    }
    o.put("revision", revision);
    o.put("wave", wave);
    o.put("install", install);
    o.put("detail", detail);
    if (result == null) {
      o.putNull("result");
    } else {
      o.put("result", result.name());
    }
    if (running == null) {
      o.putNull("running");
    } else {
      FleetJson.putId(o.putObject("running"), running);
    }
    o.put("time", time.toString());
    return FleetJson.bytes(o);
  }

  /**
   * @throws Doc.Invalid with the field's path and what is wrong
   */
  public static FollowReport fromJson(byte[] json, String where) throws Doc.Invalid {
    Doc d = FleetJson.parse(json, where).only(KEYS);
    String gateway = d.text("gateway");
    String rollout = d.has("rollout") ? d.text("rollout") : null;
    long revision = d.integer("revision", 0, Long.MAX_VALUE);
    int wave = (int) d.integer("wave", -1, Rollout.MAX_WAVES);
    boolean install = d.bool("install");
    String detail = d.text("detail");
    UpdateState result = null;
    if (d.has("result")) {
      String r = d.text("result");
      try {
        result = UpdateState.valueOf(r);
      } catch (IllegalArgumentException e) {
        throw new Doc.Invalid(
            d.at("result"), "'" + r + "' is not COMMITTED, ROLLED_BACK or REJECTED");
      }
    }
    ImageId running = null;
    if (d.has("running")) {
      Doc r = d.object("running").only(FleetJson.idKeys());
      running = FleetJson.id(r);
    }
    Instant time = d.instant("time");
    ImageId run = running;
    UpdateState res = result;
    return FleetJson.checked(
        where,
        () -> new FollowReport(gateway, rollout, revision, wave, install, detail, res, run, time));
  }
}
