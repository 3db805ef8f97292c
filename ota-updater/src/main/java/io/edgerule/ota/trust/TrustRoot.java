package io.edgerule.ota.trust;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.ota.trust.internal.Doc;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A trust root: the keys a gateway trusts, how many of them must sign an image ({@code threshold})
 * and a new root ({@code root_threshold}), the keys it revokes, its version and its expiry.
 *
 * <p>On disk ({@code root.json}) it is an envelope holding the root's exact bytes in base64 and the
 * signatures over them: {@code {"payloadType": "application/vnd.edgerule.root+json", "payload":
 * base64, "signatures": [...]}}. Nothing is re-serialised before checking a signature. The payload:
 *
 * <pre>{@code
 * {"type": "edgerule-root/v1", "version": 2, "expires": "2027-12-01T00:00:00Z",
 *  "threshold": 2, "root_threshold": 2,
 *  "keys": [{"id": hex, "alg": "ed25519", "public": base64 SPKI, "label": "release-a"}, ...],
 *  "revoked": [hex, ...]}
 * }</pre>
 */
public final class TrustRoot {
  public static final String TYPE = "edgerule-root/v1";

  /** Largest root.json: a root lists a handful of keys. */
  public static final int MAX_SIZE = 256 * 1024;

  public static final int MAX_KEYS = 64;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final long version;
  private final Instant expires;
  private final int threshold;
  private final int rootThreshold;
  private final Map<KeyId, TrustedKey> keys;
  private final Set<KeyId> revoked;
  private final byte[] payload;
  private final List<SignatureEntry> signatures;

  private TrustRoot(
      long version,
      Instant expires,
      int threshold,
      int rootThreshold,
      Map<KeyId, TrustedKey> keys,
      Set<KeyId> revoked,
      byte[] payload,
      List<SignatureEntry> signatures) {
    this.version = version;
    this.expires = expires;
    this.threshold = threshold;
    this.rootThreshold = rootThreshold;
    this.keys = keys;
    this.revoked = revoked;
    this.payload = payload;
    this.signatures = List.copyOf(signatures);
  }

  /** What a new root says, before it is signed ({@link #unsigned}). */
  public record Content(
      long version,
      Instant expires,
      int threshold,
      int rootThreshold,
      List<TrustedKey> keys,
      Set<KeyId> revoked) {}

  /**
   * An unsigned root from its content (distinct keys in order, no revoked key among them).
   *
   * @throws IllegalArgumentException when the content is inconsistent
   */
  public static TrustRoot unsigned(Content c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", TYPE);
    o.put("version", c.version());
    o.put("expires", c.expires().toString());
    o.put("threshold", c.threshold());
    o.put("root_threshold", c.rootThreshold());
    var ks = o.putArray("keys");
    for (TrustedKey k : c.keys()) {
      var e = ks.addObject();
      e.put("id", k.id().hex());
      e.put("alg", k.algorithm().id());
      e.put("public", Base64.getEncoder().encodeToString(k.spki()));
      e.put("label", k.label());
    }
    var rv = o.putArray("revoked");
    new TreeSet<>(c.revoked()).forEach(id -> rv.add(id.hex()));
    byte[] payload;
    try {
      payload = (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    try {
      return fromPayload(payload, List.of(), "new root");
    } catch (Doc.Invalid e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /**
   * Reads a root envelope and checks that it is signed by {@code root_threshold} distinct keys of
   * its own. Expiry is not checked here ({@link #checkFresh}); a gateway keeps using its installed
   * root to read a newer one even after it expired.
   *
   * @param name names the file in messages
   */
  public static TrustRoot parse(byte[] envelope, String name) throws TrustException {
    TrustRoot root = parseUnchecked(envelope, name);
    root.checkSignedBy(root, name);
    return root;
  }

  /** Reads a root envelope without checking any signature (for tools that add signatures). */
  public static TrustRoot parseUnchecked(byte[] envelope, String name) throws TrustException {
    if (envelope.length > MAX_SIZE) {
      throw new TrustException(
          TrustException.Reason.MALFORMED,
          name + ": " + envelope.length + " bytes; at most " + MAX_SIZE);
    }
    try {
      return fromEnvelope(Doc.parse(envelope, name), name);
    } catch (Doc.Invalid e) {
      throw new TrustException(TrustException.Reason.MALFORMED, e.getMessage());
    }
  }

  /**
   * Reads a root envelope that is one object of a larger document ({@link PublishedRoots}), without
   * checking any signature.
   */
  static TrustRoot fromEnvelope(Doc d, String name) throws Doc.Invalid {
    d.only(Set.of("payloadType", "payload", "signatures"));
    String type = d.text("payloadType");
    if (!type.equals(Pae.ROOT_TYPE)) {
      throw new Doc.Invalid(d.at("payloadType"), "'" + type + "' is not " + Pae.ROOT_TYPE);
    }
    byte[] payload = d.base64("payload");
    List<SignatureEntry> sigs = Signatures.read(d, "signatures");
    return fromPayload(payload, sigs, name + " (payload)");
  }

  private static TrustRoot fromPayload(byte[] payload, List<SignatureEntry> sigs, String name)
      throws Doc.Invalid {
    Doc p =
        Doc.parse(payload, name)
            .only(
                Set.of(
                    "type",
                    "version",
                    "expires",
                    "threshold",
                    "root_threshold",
                    "keys",
                    "revoked"));
    String type = p.text("type");
    if (!type.equals(TYPE)) {
      throw new Doc.Invalid(p.at("type"), "'" + type + "' is not " + TYPE);
    }
    long version = p.integer("version", 1, Long.MAX_VALUE);
    Instant expires = p.instant("expires");
    Set<KeyId> revoked = new TreeSet<>();
    List<String> rv = p.texts("revoked", 10_000);
    for (int i = 0; i < rv.size(); i++) {
      try {
        revoked.add(new KeyId(rv.get(i)));
      } catch (IllegalArgumentException e) {
        throw new Doc.Invalid(p.at("revoked") + "[" + i + "]", e.getMessage());
      }
    }
    Map<KeyId, TrustedKey> keys = new LinkedHashMap<>();
    for (Doc k : p.objects("keys", MAX_KEYS)) {
      k.only(Set.of("id", "alg", "public", "label"));
      TrustedKey key;
      try {
        KeyAlgorithm alg = KeyAlgorithm.of(k.text("alg"));
        key = TrustedKey.decode(alg, k.base64("public"), k.optionalText("label").orElse(""));
      } catch (IllegalArgumentException e) {
        throw new Doc.Invalid(k.path(), e.getMessage());
      }
      if (k.has("id") && !k.text("id").equals(key.id().hex())) {
        throw new Doc.Invalid(k.at("id"), "is not the SHA-256 of the key (" + key.id().hex() + ")");
      }
      if (revoked.contains(key.id())) {
        throw new Doc.Invalid(
            k.path(), "key " + key.id().shortHex() + " is listed as trusted and as revoked");
      }
      // The same key listed twice is one key: it can never count twice towards a threshold.
      keys.putIfAbsent(key.id(), key);
    }
    if (keys.isEmpty()) {
      throw new Doc.Invalid(p.at("keys"), "is empty: a root trusts at least one key");
    }
    int threshold = (int) p.integer("threshold", 1, MAX_KEYS);
    int rootThreshold = (int) p.integer("root_threshold", 1, MAX_KEYS);
    for (String field : List.of("threshold", "root_threshold")) {
      int t = field.equals("threshold") ? threshold : rootThreshold;
      if (t > keys.size()) {
        throw new Doc.Invalid(
            p.at(field),
            t
                + " is more than the "
                + keys.size()
                + " distinct keys listed: nothing could ever meet it");
      }
    }
    return new TrustRoot(
        version,
        expires,
        threshold,
        rootThreshold,
        java.util.Collections.unmodifiableMap(keys),
        Set.copyOf(revoked),
        payload,
        sigs);
  }

  /**
   * Checks that this root's payload is signed by {@code root_threshold} distinct keys of {@code
   * signer} (itself, or the root it replaces), none revoked by either.
   */
  void checkSignedBy(TrustRoot signer, String name) throws TrustException {
    // A key either root revokes counts for nothing; the refusal names the root that revokes it
    // (a key this root revokes first is not revoked by the signer, whose keys count here).
    Map<KeyId, String> revokedBy = SignatureCheck.revokedBy(revoked, "root v" + version);
    revokedBy.putAll(SignatureCheck.revokedBy(signer.revoked, "root v" + signer.version));
    SignatureCheck.verify(
        name + " (root v" + version + ")",
        Pae.ROOT_TYPE,
        payload,
        signatures,
        signer.keys,
        revokedBy,
        signer.rootThreshold,
        "root v" + signer.version);
  }

  /** Refuses an expired root: a gateway then needs a newer one before it trusts anything. */
  public void checkFresh(Instant now) throws TrustException {
    if (!now.isBefore(expires)) {
      throw new TrustException(
          TrustException.Reason.EXPIRED,
          "trust root v"
              + version
              + " expired at "
              + expires
              + " (now "
              + now
              + "): install a newer root");
    }
  }

  /** The same root with one more signature (for {@code keys trust-root sign}). */
  public TrustRoot withSignature(SignatureEntry s) {
    List<SignatureEntry> sigs = new ArrayList<>(signatures);
    sigs.removeIf(e -> e.keyId().equals(s.keyId()));
    sigs.add(s);
    return new TrustRoot(version, expires, threshold, rootThreshold, keys, revoked, payload, sigs);
  }

  /** The envelope file's bytes. */
  public byte[] envelope() {
    ObjectNode o = JSON.createObjectNode();
    writeEnvelope(o);
    try {
      return (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fills {@code o} with the envelope's fields (also as one object of {@link PublishedRoots}). */
  void writeEnvelope(ObjectNode o) {
    o.put("payloadType", Pae.ROOT_TYPE);
    o.put("payload", Base64.getEncoder().encodeToString(payload));
    Signatures.write(o.putArray("signatures"), signatures);
  }

  public long version() {
    return version;
  }

  public Instant expires() {
    return expires;
  }

  public int threshold() {
    return threshold;
  }

  public int rootThreshold() {
    return rootThreshold;
  }

  /** The trusted keys by id (each key once). */
  public Map<KeyId, TrustedKey> keys() {
    return keys;
  }

  public Set<KeyId> revoked() {
    return revoked;
  }

  /** The exact bytes the signatures cover. */
  public byte[] payload() {
    return payload.clone();
  }

  public List<SignatureEntry> signatures() {
    return signatures;
  }

  /** The content, to build a successor from. */
  public Content content() {
    return new Content(
        version, expires, threshold, rootThreshold, List.copyOf(keys.values()), revoked);
  }

  @Override
  public String toString() {
    return "trust root v" + version;
  }
}
