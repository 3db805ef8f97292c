package io.edgerule.ota.image;

import static io.edgerule.ota.image.Messages.assertContains;
import static io.edgerule.ota.image.TestImages.GATEWAY;
import static io.edgerule.ota.image.TestImages.NOW;
import static io.edgerule.ota.image.TestImages.context;
import static io.edgerule.ota.image.TestImages.header;
import static io.edgerule.ota.image.TestImages.newSigner;
import static io.edgerule.ota.image.TestImages.root;
import static io.edgerule.ota.image.TestImages.signed;
import static io.edgerule.ota.image.TestImages.unsigned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgerule.ota.image.ImageRejected.Reason;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.TrustRoot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each attack or fault of issue 14's list, refused with its reason and a message naming it. */
class ImageAttacksTest {
  private final Signer a = newSigner("a");
  private final Signer b = newSigner("b");
  private final Signer c = newSigner("c");
  private final ImageVerifier verifier = new ImageVerifier();

  private ImageRejected refused(byte[] image, VerifyContext ctx) {
    return assertThrows(ImageRejected.class, () -> verifier.verify(image, "x.rimg", ctx));
  }

  private static Map<String, byte[]> entries(byte[] image) throws ImageRejected {
    return new LinkedHashMap<>(
        ImageArchive.read(image, "x.rimg", ImageLimits.defaults()).entries());
  }

  @Test
  void arbitraryBytesAreNotAnImage() {
    ImageRejected e =
        refused(
            "hello, gateway".getBytes(StandardCharsets.US_ASCII),
            context(root(1, List.of(a), Set.of()), 0));
    assertEquals(Reason.MALFORMED, e.reason());
    assertContains(e.getMessage(), "x.rimg", "gzip");
  }

  @Test
  void aManifestChangedAfterSigningFailsItsSignature() throws Exception {
    TrustRoot root = root(1, List.of(a), Set.of());
    Map<String, byte[]> files = entries(signed(unsigned(header("plant", 1), "pump"), a));
    String json = new String(files.get(ImageArchive.MANIFEST), StandardCharsets.UTF_8);
    files.put(
        ImageArchive.MANIFEST,
        json.replace("\"security_version\" : 1", "\"security_version\" : 9")
            .getBytes(StandardCharsets.UTF_8));
    ImageRejected e = refused(ImageArchive.write(files), context(root, 0));
    assertEquals(Reason.BAD_SIGNATURE, e.reason());
    assertContains(
        e.getMessage(), "x.rimg!image.json", "does not verify", "changed after it was signed");
  }

  @Test
  void aModuleChangedAfterSigningFailsItsHash() throws Exception {
    TrustRoot root = root(1, List.of(a), Set.of());
    Map<String, byte[]> files = entries(signed(unsigned(header("plant", 1), "pump"), a));
    byte[] wasm = files.get("rules/pump/module.wasm").clone();
    wasm[wasm.length - 1] ^= 1;
    files.put("rules/pump/module.wasm", wasm);
    ImageRejected e = refused(ImageArchive.write(files), context(root, 0));
    assertEquals(Reason.CONTENT_MISMATCH, e.reason());
    assertContains(e.getMessage(), "x.rimg!rules/pump/module.wasm", "SHA-256");
  }

  @Test
  void anExtraFileNotInTheManifestIsRefused() throws Exception {
    Map<String, byte[]> files = entries(signed(unsigned(header("plant", 1), "pump"), a));
    files.put("rules/pump/extra.wasm", new byte[] {0, 'a', 's', 'm'});
    ImageRejected e = refused(ImageArchive.write(files), context(root(1, List.of(a), Set.of()), 0));
    assertEquals(Reason.CONTENT_MISMATCH, e.reason());
    assertContains(e.getMessage(), "rules/pump/extra.wasm", "not listed");
  }

  @Test
  void mixAndMatchOfSignedPartsFromTwoImagesIsRefused() throws Exception {
    TrustRoot root = root(1, List.of(a), Set.of());
    Map<String, byte[]> one = entries(signed(unsigned(header("plant", 2), "pump"), a));
    Map<String, byte[]> two = entries(signed(unsigned(header("plant", 3), "deadband"), a));
    // image one's manifest with image two's signatures
    Map<String, byte[]> sigsSwapped = new LinkedHashMap<>(one);
    sigsSwapped.put(ImageArchive.SIGNATURES, two.get(ImageArchive.SIGNATURES));
    assertEquals(
        Reason.BAD_SIGNATURE, refused(ImageArchive.write(sigsSwapped), context(root, 0)).reason());
    // image one's signed manifest with another image's module under the same name
    Map<String, byte[]> moduleSwapped = new LinkedHashMap<>(one);
    moduleSwapped.put("rules/pump/module.wasm", two.get("rules/deadband/module.wasm"));
    ImageRejected e = refused(ImageArchive.write(moduleSwapped), context(root, 0));
    assertEquals(Reason.CONTENT_MISMATCH, e.reason());
    assertContains(e.getMessage(), "rules/pump/module.wasm");
    // two's manifest and signatures, one's files: two lists files one does not have
    Map<String, byte[]> mixed = new LinkedHashMap<>(one);
    mixed.put(ImageArchive.MANIFEST, two.get(ImageArchive.MANIFEST));
    mixed.put(ImageArchive.SIGNATURES, two.get(ImageArchive.SIGNATURES));
    ImageRejected m = refused(ImageArchive.write(mixed), context(root, 0));
    assertEquals(Reason.CONTENT_MISMATCH, m.reason());
    assertContains(m.getMessage(), "rules/deadband/module.wasm", "not in the image");
  }

  @Test
  void anExpiredImageIsRefused() {
    TrustRoot root = root(1, List.of(a), Set.of());
    byte[] image = signed(unsigned(header("plant", 1), "pump"), a);
    VerifyContext later =
        new VerifyContext(
            root,
            NOW.plus(Duration.ofDays(31)),
            0,
            Optional.empty(),
            GATEWAY,
            1,
            VerifyContext.DEFAULT_CLOCK_SKEW);
    ImageRejected e = refused(image, later);
    assertEquals(Reason.EXPIRED, e.reason());
    assertContains(e.getMessage(), "x.rimg!image.json", "expired at");
  }

  @Test
  void anExpiredTrustRootTrustsNothing() {
    TrustRoot root = root(1, List.of(a), Set.of());
    byte[] image = signed(unsigned(header("plant", 1), "pump"), a);
    VerifyContext nextYear =
        new VerifyContext(
            root,
            NOW.plus(Duration.ofDays(400)),
            0,
            Optional.empty(),
            GATEWAY,
            1,
            VerifyContext.DEFAULT_CLOCK_SKEW);
    ImageRejected e = refused(image, nextYear);
    assertEquals(Reason.EXPIRED, e.reason());
    assertContains(e.getMessage(), "trust root v1 expired");
  }

  @Test
  void aClockBehindTheLastVerifiedTimeSaysSo() {
    TrustRoot root = root(1, List.of(a), Set.of());
    byte[] image = signed(unsigned(header("plant", 1), "pump"), a);
    Instant last = NOW.plus(Duration.ofDays(2));
    VerifyContext ctx = VerifyContext.of(root, NOW, 0, Optional.of(last), GATEWAY);
    ImageRejected e = refused(image, ctx);
    assertEquals(Reason.CLOCK_BEHIND, e.reason());
    assertContains(
        e.getMessage(), "clock (" + NOW + ")", "behind the last time it verified (" + last + ")");
  }

  @Test
  void aClockBehindTheImagesCreationSaysSo() {
    TrustRoot root = root(1, List.of(a), Set.of());
    byte[] image = signed(unsigned(header("plant", 1), "pump"), a);
    VerifyContext ctx =
        VerifyContext.of(root, NOW.minus(Duration.ofDays(3)), 0, Optional.empty(), GATEWAY);
    ImageRejected e = refused(image, ctx);
    assertEquals(Reason.CLOCK_BEHIND, e.reason());
    assertContains(e.getMessage(), "after the gateway's clock");
  }

  @Test
  void anImageForOtherGatewayVersionsOrAnotherAbiIsRefused() {
    TrustRoot root = root(1, List.of(a), Set.of());
    byte[] image = signed(unsigned(header("plant", 1), "pump"), a);
    ImageRejected old =
        refused(
            image,
            VerifyContext.of(
                root, NOW, 0, Optional.empty(), GatewayVersion.parse("0.1.0-SNAPSHOT")));
    assertEquals(Reason.INCOMPATIBLE, old.reason());
    assertContains(old.getMessage(), ">=0.1.0 <1.0.0", "0.1.0-SNAPSHOT");
    ImageRejected tooNew =
        refused(
            image, VerifyContext.of(root, NOW, 0, Optional.empty(), GatewayVersion.parse("1.0.0")));
    assertEquals(Reason.INCOMPATIBLE, tooNew.reason());
    ImageRejected abi =
        refused(
            image,
            new VerifyContext(
                root, NOW, 0, Optional.empty(), GATEWAY, 2, VerifyContext.DEFAULT_CLOCK_SKEW));
    assertEquals(Reason.INCOMPATIBLE, abi.reason());
    assertContains(abi.getMessage(), "rule ABI v1", "runs v2");
  }

  @Test
  void aRevokedKeysSignatureCountsForNothing() {
    TrustRoot root = root(2, List.of(a, b, c), Set.of());
    TrustRoot revoking =
        TestImages.signRoot(
            TrustRoot.unsigned(
                new TrustRoot.Content(
                    2,
                    NOW.plusSeconds(86400),
                    2,
                    2,
                    TestImages.keys(b, c),
                    Set.of(a.publicKey().id()))),
            List.of(b, c));
    byte[] image = signed(unsigned(header("plant", 1), "pump"), a, b);
    ImageRejected e = refused(image, context(revoking, 0));
    assertEquals(Reason.REVOKED_KEY, e.reason());
    assertContains(e.getMessage(), "signed by 1 distinct trusted key", "requires 2", "revokes");
    // with two keys that are not revoked, the image passes (the revoked signature is ignored)
    byte[] enough = signed(image, c);
    assertEquals(2, assertVerifies(enough, context(revoking, 0)).signers().size());
    assertEquals(3, assertVerifies(enough, context(root, 0)).signers().size());
  }

  @Test
  void theSameKeyTwiceDoesNotMeetAThresholdOfTwo() throws Exception {
    TrustRoot root = root(2, List.of(a, b), Set.of());
    // the root lists key a twice: still one key
    TrustRoot doubled =
        TestImages.signRoot(
            TrustRoot.unsigned(
                new TrustRoot.Content(
                    1, NOW.plusSeconds(86400), 1, 1, TestImages.keys(a, a, b), Set.of())),
            List.of(a));
    assertEquals(2, doubled.keys().size());
    // a signature repeated in signatures.json
    Map<String, byte[]> files = entries(signed(unsigned(header("plant", 1), "pump"), a));
    String sigs = new String(files.get(ImageArchive.SIGNATURES), StandardCharsets.UTF_8);
    String entry =
        sigs.substring(sigs.indexOf('{', 1), sigs.lastIndexOf('}', sigs.lastIndexOf(']')) + 1);
    files.put(
        ImageArchive.SIGNATURES,
        sigs.replace(entry, entry + ", " + entry).getBytes(StandardCharsets.UTF_8));
    ImageRejected e = refused(ImageArchive.write(files), context(root, 0));
    assertEquals(Reason.THRESHOLD_NOT_MET, e.reason());
    assertContains(
        e.getMessage(), "signed by 1 distinct trusted key", "requires 2", "repeats a key");
  }

  @Test
  void aRuleManifestNamingAnotherRuleIsRefused() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    // build by hand: entry 'pump' whose manifest says 'deadband'
    ImageBuilder.RuleFiles deadband = TestImages.example("deadband");
    byte[] image = ImageBuilder.build(header("plant", 1), List.of(deadband), List.of("deadband"));
    files.putAll(entries(image));
    String json =
        new String(files.get(ImageArchive.MANIFEST), StandardCharsets.UTF_8)
            .replace("\"name\" : \"deadband\"", "\"name\" : \"pump\"");
    files.put(ImageArchive.MANIFEST, json.getBytes(StandardCharsets.UTF_8));
    byte[] signedImage = signed(ImageArchive.write(files), a);
    ImageRejected e = refused(signedImage, context(root(1, List.of(a), Set.of()), 0));
    assertEquals(Reason.BAD_RULE, e.reason());
    assertContains(e.getMessage(), "rules/deadband/rule.yaml", "names rule 'deadband'", "'pump'");
  }

  private VerifiedImage assertVerifies(byte[] image, VerifyContext ctx) {
    try {
      return verifier.verify(image, "x.rimg", ctx);
    } catch (ImageRejected e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
