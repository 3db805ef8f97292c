package io.edgerule.ota.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.internal.Doc;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * The trust root a gateway holds and what it made of the last chain of roots the fleet published,
 * retained on {@code <prefix>/<gateway>/ota/trust} ({@link TrustRootFollower}): the fleet sees
 * which gateways have taken a rotation (or a revocation) and which refused it, and why.
 *
 * <pre>{@code
 * {"gateway":"gw-001","version":2,"expires":"2027-12-07T00:00:00Z","result":"ROTATED",
 *  "reason":null,"offered":2,"detail":"edgerule/fleet/trust: root v1 -> v2",
 *  "time":"2026-12-07T16:00:00Z"}
 * }</pre>
 *
 * @param version the version of the root the gateway trusts now (after this report's event)
 * @param expires when that root expires
 * @param result what happened
 * @param reason why a chain was refused ({@code REFUSED} only)
 * @param offered the newest version of the chain the report is about (0: none, or unreadable)
 * @param detail for operators: where the root came from, or what was refused and why
 */
public record TrustReport(
    String gateway,
    long version,
    Instant expires,
    Result result,
    TrustException.Reason reason,
    long offered,
    String detail,
    Instant time) {

  /** What the gateway made of a root or chain. */
  public enum Result {
    /** At start: the root it holds (from {@code <state_dir>/trust/root.json}). */
    TRUSTED,
    /** It walked the published chain to a newer root and keeps it. */
    ROTATED,
    /** The published chain does not follow from its root: nothing changed. */
    REFUSED,
    /** The chain follows, but the new root could not be kept (disk): nothing changed. */
    FAILED
  }

  private static final Set<String> KEYS =
      Set.of("gateway", "version", "expires", "result", "reason", "offered", "detail", "time");

  public TrustReport {
    Ids.check("gateway", gateway);
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(time, "time");
    detail = detail == null ? "" : detail;
    if ((result == Result.REFUSED) != (reason != null)) {
      throw new IllegalArgumentException("a reason is given exactly when the result is REFUSED");
    }
    if (version < 1 || offered < 0) {
      throw new IllegalArgumentException("version must be >= 1 and offered >= 0");
    }
  }

  /** True if {@code o} says the same, whatever its time. */
  public boolean sameAs(TrustReport o) {
    return o != null
        && o.gateway.equals(gateway)
        && o.version == version
        && o.expires.equals(expires)
        && o.result == result
        && o.reason == reason
        && o.offered == offered
        && o.detail.equals(detail);
  }

  public byte[] toJson() {
    ObjectNode o = FleetJson.JSON.createObjectNode();
    o.put("gateway", gateway);
    o.put("version", version);
    o.put("expires", expires.toString());
    o.put("result", result.name());
    if (reason == null) {
      o.putNull("reason");
    } else {
      o.put("reason", reason.name());
    }
    o.put("offered", offered);
    o.put("detail", detail);
    o.put("time", time.toString());
    return FleetJson.bytes(o);
  }

  /**
   * @throws Doc.Invalid with the field's path and what is wrong
   */
  public static TrustReport fromJson(byte[] json, String where) throws Doc.Invalid {
    Doc d = FleetJson.parse(json, where).only(KEYS);
    String gateway = d.text("gateway");
    long version = d.integer("version", 1, Long.MAX_VALUE);
    Instant expires = d.instant("expires");
    Result result = constant(d, "result", Result.class);
    TrustException.Reason reason =
        d.has("reason") ? constant(d, "reason", TrustException.Reason.class) : null;
    long offered = d.integer("offered", 0, Long.MAX_VALUE);
    String detail = d.text("detail");
    Instant time = d.instant("time");
    return FleetJson.checked(
        where,
        () -> new TrustReport(gateway, version, expires, result, reason, offered, detail, time));
  }

  private static <E extends Enum<E>> E constant(Doc d, String key, Class<E> type)
      throws Doc.Invalid {
    String v = d.text(key);
    try {
      return Enum.valueOf(type, v);
    } catch (IllegalArgumentException e) {
      throw new Doc.Invalid(
          d.at(key),
          "'" + v + "' is not one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }
  }
}
