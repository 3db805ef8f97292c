package io.edgerule.ota.image;

import io.edgerule.ota.image.ImageManifest.Payload;
import io.edgerule.ota.image.ImageManifest.RuleEntry;
import io.edgerule.ota.image.ImageRejected.Reason;
import io.edgerule.ota.trust.KeyId;
import io.edgerule.ota.trust.Pae;
import io.edgerule.ota.trust.SignatureCheck;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signatures;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.internal.Doc;
import io.edgerule.sandbox.ManifestException;
import io.edgerule.sandbox.RuleManifest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a {@code .rimg} against a gateway's trust root and state. The order is deliberate: the
 * container is read under caps; the clock is judged; the manifest's signatures are checked before
 * anything in it is believed; then freshness, the anti-rollback floor and compatibility; last,
 * every file against the size and SHA-256 the signed manifest gives. Thread-safe.
 */
public final class ImageVerifier {
  private final ImageLimits limits;

  public ImageVerifier(ImageLimits limits) {
    this.limits = limits;
  }

  public ImageVerifier() {
    this(ImageLimits.defaults());
  }

  /**
   * @param file the {@code .rimg} bytes
   * @param name names the image in messages (its file name or download id)
   * @return the verified image; nothing else makes one
   * @throws ImageRejected with the reason and a message saying what and where
   */
  public VerifiedImage verify(byte[] file, String name, VerifyContext ctx) throws ImageRejected {
    ImageArchive.Contents c = ImageArchive.read(file, name, limits);
    Map<String, byte[]> entries = c.entries();
    byte[] manifestBytes = entries.get(ImageArchive.MANIFEST);
    if (manifestBytes == null) {
      throw new ImageRejected(Reason.MALFORMED, name + ": has no " + ImageArchive.MANIFEST);
    }
    String where = c.where(ImageArchive.MANIFEST);
    List<SignatureEntry> signatures = signatures(c);
    checkClock(ctx);
    Set<KeyId> signers;
    try {
      ctx.root().checkFresh(ctx.now());
      signers =
          SignatureCheck.verify(
              where,
              Pae.IMAGE_TYPE,
              manifestBytes,
              signatures,
              ctx.root().keys(),
              SignatureCheck.revokedBy(ctx.root().revoked(), "trust root v" + ctx.root().version()),
              ctx.root().threshold(),
              "trust root v" + ctx.root().version());
    } catch (TrustException e) {
      throw new ImageRejected(Reason.of(e.reason()), e.getMessage());
    }
    ImageManifest m;
    try {
      m = ImageManifestJson.parse(manifestBytes, where);
    } catch (Doc.Invalid e) {
      throw new ImageRejected(Reason.MALFORMED, e.getMessage());
    }
    Instant timeFloor = checkTimes(m, where, ctx);
    if (m.securityVersion() < ctx.securityFloor()) {
      throw new ImageRejected(
          Reason.ROLLBACK,
          where
              + ": security version "
              + m.securityVersion()
              + " is below this gateway's floor "
              + ctx.securityFloor()
              + " (a rollback to an older image is refused)");
    }
    checkCompatible(m, where, ctx);
    checkFiles(m, c);
    List<VerifiedRule> rules = new ArrayList<>();
    for (RuleEntry r : m.rules()) {
      rules.add(rule(r, c));
    }
    return new VerifiedImage(m, manifestBytes, file, rules, signers, timeFloor);
  }

  private static List<SignatureEntry> signatures(ImageArchive.Contents c) throws ImageRejected {
    byte[] sigs = c.entries().get(ImageArchive.SIGNATURES);
    if (sigs == null) {
      throw new ImageRejected(
          Reason.THRESHOLD_NOT_MET,
          c.name()
              + ": is not signed (no "
              + ImageArchive.SIGNATURES
              + "; sign it with 'edgerule image sign')");
    }
    try {
      return Signatures.parseDocument(sigs, c.where(ImageArchive.SIGNATURES));
    } catch (TrustException e) {
      throw new ImageRejected(Reason.MALFORMED, e.getMessage());
    }
  }

  /** A clock behind what was already verified cannot judge expiry: say so, never trust it. */
  private static void checkClock(VerifyContext ctx) throws ImageRejected {
    if (ctx.lastVerifiedTime().isPresent() && ctx.now().isBefore(ctx.lastVerifiedTime().get())) {
      throw new ImageRejected(
          Reason.CLOCK_BEHIND,
          "the gateway's clock ("
              + ctx.now()
              + ") is behind the last time it verified ("
              + ctx.lastVerifiedTime().get()
              + "): set the clock (NTP) before installing; expiry cannot be judged by this clock");
    }
  }

  private static Instant checkTimes(ImageManifest m, String where, VerifyContext ctx)
      throws ImageRejected {
    if (m.created().isAfter(ctx.now().plus(ctx.clockSkew()))) {
      throw new ImageRejected(
          Reason.CLOCK_BEHIND,
          where
              + ": created at "
              + m.created()
              + ", after the gateway's clock ("
              + ctx.now()
              + "): the gateway's clock is behind; set it (NTP) before installing");
    }
    if (!ctx.now().isBefore(m.expires())) {
      throw new ImageRejected(
          Reason.EXPIRED,
          where
              + ": expired at "
              + m.expires()
              + " (gateway clock "
              + ctx.now()
              + "); build and sign a fresh image");
    }
    return m.created().isAfter(ctx.now()) ? m.created() : ctx.now();
  }

  private static void checkCompatible(ImageManifest m, String where, VerifyContext ctx)
      throws ImageRejected {
    var compat = m.compatibility();
    if (!compat.accepts(ctx.gatewayVersion())) {
      throw new ImageRejected(
          Reason.INCOMPATIBLE,
          where
              + ": made for gateway versions "
              + compat.range()
              + "; this gateway is "
              + ctx.gatewayVersion());
    }
    if (compat.ruleAbi() != ctx.ruleAbi()) {
      throw new ImageRejected(
          Reason.INCOMPATIBLE,
          where
              + ": its rules need rule ABI v"
              + compat.ruleAbi()
              + "; this gateway runs v"
              + ctx.ruleAbi());
    }
  }

  /** Exactly the listed files, each with the listed size and SHA-256. */
  private static void checkFiles(ImageManifest m, ImageArchive.Contents c) throws ImageRejected {
    Set<String> listed = new LinkedHashSet<>();
    for (Payload p : m.payloads()) {
      listed.add(p.path());
      byte[] data = c.entries().get(p.path());
      if (data == null) {
        throw new ImageRejected(
            Reason.CONTENT_MISMATCH,
            c.name() + ": " + p.path() + " is listed in the signed manifest but not in the image");
      }
      if (data.length != p.size()) {
        throw new ImageRejected(
            Reason.CONTENT_MISMATCH,
            c.where(p.path())
                + ": "
                + data.length
                + " bytes, the signed manifest says "
                + p.size());
      }
      String sha = sha256(data);
      if (!sha.equals(p.sha256())) {
        throw new ImageRejected(
            Reason.CONTENT_MISMATCH,
            c.where(p.path())
                + ": SHA-256 "
                + sha
                + " is not the "
                + p.sha256()
                + " the signed manifest gives (changed, or taken from another image)");
      }
    }
    for (String entry : c.entries().keySet()) {
      if (!listed.contains(entry)
          && !entry.equals(ImageArchive.MANIFEST)
          && !entry.equals(ImageArchive.SIGNATURES)) {
        throw new ImageRejected(
            Reason.CONTENT_MISMATCH, c.where(entry) + ": not listed in the signed manifest");
      }
    }
  }

  private static VerifiedRule rule(RuleEntry r, ImageArchive.Contents c) throws ImageRejected {
    byte[] yaml = c.entries().get(r.manifest().path());
    String where = c.where(r.manifest().path());
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(yaml)).toString();
    } catch (CharacterCodingException e) {
      throw new ImageRejected(Reason.BAD_RULE, where + ": the rule manifest is not UTF-8 text");
    }
    RuleManifest parsed;
    try {
      parsed = RuleManifest.parse(text, where);
    } catch (ManifestException e) {
      throw new ImageRejected(Reason.BAD_RULE, e.getMessage());
    }
    if (!parsed.name().equals(r.name())) {
      throw new ImageRejected(
          Reason.BAD_RULE,
          where + ": names rule '" + parsed.name() + "', the image lists it as '" + r.name() + "'");
    }
    Optional<VerifiedRule.SelfTestVectors> test =
        r.selfTest()
            .map(
                t ->
                    new VerifiedRule.SelfTestVectors(
                        c.entries().get(t.events().path()), c.entries().get(t.expected().path())));
    return new VerifiedRule(r.name(), c.entries().get(r.module().path()), yaml, parsed, test);
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
