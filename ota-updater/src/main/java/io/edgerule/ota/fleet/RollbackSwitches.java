package io.edgerule.ota.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.ota.trust.Pae;
import io.edgerule.ota.trust.SignatureCheck;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signatures;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.TrustRoot;
import io.edgerule.ota.trust.internal.Doc;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The rollback switch on the wire: a DSSE envelope, as a trust root is one, {@code
 * {"payloadType":"application/vnd.edgerule.rollback+json","payload":base64,"signatures":[...]}},
 * whose payload is
 *
 * <pre>{@code
 * {"type":"edgerule-rollback/v1","id":"rb-1","rollout":"plant-2.1.0",
 *  "image":{"sha256":"…","size":18342,"name":"plant","version":"2.1.0","security_version":7},
 *  "gateways":[],"issued":"…","expires":"…","reason":"pump traps in wave 2"}
 * }</pre>
 *
 * Signatures cover the payload's exact bytes through DSSE's pre-authentication encoding with the
 * switch's own payload type, so no image or root signature can pass for a switch's, and a gateway
 * counts distinct keys of its trust root against the root's image {@code threshold} ({@link
 * SignatureCheck}, the machinery images use).
 */
public final class RollbackSwitches {
  public static final String PAYLOAD_TYPE = "application/vnd.edgerule.rollback+json";
  public static final String TYPE = "edgerule-rollback/v1";

  /** Most gateways a switch names (a bigger group is the whole fleet, or several switches). */
  public static final int MAX_GATEWAYS = 20_000;

  private static final Set<String> ENVELOPE_KEYS = Set.of("payloadType", "payload", "signatures");
  private static final Set<String> KEYS =
      Set.of("type", "id", "rollout", "image", "gateways", "issued", "expires", "reason");

  /** A switch with the exact payload bytes its signatures cover. */
  public record Envelope(RollbackSwitch command, byte[] payload, List<SignatureEntry> signatures) {
    public Envelope {
      payload = payload.clone();
      signatures = List.copyOf(signatures);
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    /** The envelope's bytes, as published. */
    public byte[] bytes() {
      ObjectNode o = FleetJson.JSON.createObjectNode();
      o.put("payloadType", PAYLOAD_TYPE);
      o.put("payload", Base64.getEncoder().encodeToString(payload));
      Signatures.write(o.putArray("signatures"), signatures);
      return FleetJson.bytes(o);
    }

    /** The same envelope with one more signature (a key that signs again replaces its own). */
    public Envelope signedBy(Signer signer) throws GeneralSecurityException {
      SignatureEntry mine =
          new SignatureEntry(
              signer.publicKey().id(), signer.sign(Pae.encode(PAYLOAD_TYPE, payload)));
      List<SignatureEntry> sigs = new ArrayList<>(signatures);
      sigs.removeIf(s -> s.keyId().equals(mine.keyId()));
      sigs.add(mine);
      return new Envelope(command, payload, sigs);
    }
  }

  private RollbackSwitches() {}

  /** An unsigned envelope of {@code s} (sign it with {@link Envelope#signedBy}). */
  public static Envelope unsigned(RollbackSwitch s) {
    ObjectNode o = FleetJson.JSON.createObjectNode();
    o.put("type", TYPE);
    o.put("id", s.id());
    o.put("rollout", s.rollout());
    FleetJson.putImage(o.putObject("image"), s.image());
    s.gateways().forEach(o.putArray("gateways")::add);
    o.put("issued", s.issued().toString());
    o.put("expires", s.expires().toString());
    o.put("reason", s.reason());
    return new Envelope(s, FleetJson.bytes(o), List.of());
  }

  /**
   * Reads an envelope without checking its signatures (for tools; a gateway uses {@link #verify}).
   *
   * @throws TrustException MALFORMED, with the path of the bad field
   */
  public static Envelope parseUnchecked(byte[] envelope, String where) throws TrustException {
    try {
      Doc d = FleetJson.parse(envelope, where).only(ENVELOPE_KEYS);
      String type = d.text("payloadType");
      if (!type.equals(PAYLOAD_TYPE)) {
        throw new Doc.Invalid(d.at("payloadType"), "'" + type + "' is not " + PAYLOAD_TYPE);
      }
      byte[] payload = d.base64("payload");
      List<SignatureEntry> sigs = Signatures.read(d, "signatures");
      return new Envelope(payload(payload, where + " (payload)"), payload, sigs);
    } catch (Doc.Invalid e) {
      throw new TrustException(TrustException.Reason.MALFORMED, e.getMessage());
    }
  }

  /**
   * Reads and verifies a switch as a gateway does: well-formed, signed by the trust root's {@code
   * threshold} distinct trusted keys (revoked and unknown keys count for nothing), the root and the
   * switch not expired.
   *
   * @throws TrustException why it is refused (MALFORMED, BAD_SIGNATURE, REVOKED_KEY, UNKNOWN_KEY,
   *     THRESHOLD_NOT_MET, EXPIRED)
   */
  public static RollbackSwitch verify(byte[] envelope, String where, TrustRoot root, Instant now)
      throws TrustException {
    root.checkFresh(now);
    Envelope e = parseUnchecked(envelope, where);
    SignatureCheck.verify(
        where,
        PAYLOAD_TYPE,
        e.payload(),
        e.signatures(),
        root.keys(),
        SignatureCheck.revokedBy(root.revoked(), "trust root v" + root.version()),
        root.threshold(),
        "trust root v" + root.version());
    if (!now.isBefore(e.command().expires())) {
      throw new TrustException(
          TrustException.Reason.EXPIRED,
          where + ": rollback switch " + e.command().id() + " expired at " + e.command().expires());
    }
    return e.command();
  }

  private static RollbackSwitch payload(byte[] json, String where) throws Doc.Invalid {
    Doc d = FleetJson.typed(json, where, TYPE, KEYS);
    String id = d.text("id");
    String rollout = d.text("rollout");
    RolloutImage image = FleetJson.image(d.object("image"));
    List<String> gateways = d.texts("gateways", MAX_GATEWAYS);
    Instant issued = d.instant("issued");
    Instant expires = d.instant("expires");
    String reason = d.text("reason");
    return FleetJson.checked(
        where, () -> new RollbackSwitch(id, rollout, image, gateways, issued, expires, reason));
  }
}
