package io.edgerule.ota.image;

import static io.edgerule.ota.image.TestImages.context;
import static io.edgerule.ota.image.TestImages.header;
import static io.edgerule.ota.image.TestImages.newSigner;
import static io.edgerule.ota.image.TestImages.root;
import static io.edgerule.ota.image.TestImages.signed;
import static io.edgerule.ota.image.TestImages.unsigned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.TrustRoot;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageVerifierTest {
  private final Signer a = newSigner("a");
  private final TrustRoot root = root(1, List.of(a), Set.of());
  private final ImageVerifier verifier = new ImageVerifier();

  @Test
  void aSignedImageVerifiesAndHandsOutExactlyItsFiles() throws Exception {
    byte[] image = signed(unsigned(header("plant", 3), "pump", "deadband"), a);
    VerifiedImage v = verifier.verify(image, "plant.rimg", context(root, 3));
    assertEquals("plant", v.manifest().name());
    assertEquals(3, v.manifest().securityVersion());
    assertEquals(Set.of(a.publicKey().id()), v.signers());
    assertEquals(List.of("pump", "deadband"), v.rules().stream().map(VerifiedRule::name).toList());
    VerifiedRule pump = v.rules().get(0);
    assertArrayEquals(Files.readAllBytes(TestImages.EXAMPLES.resolve("pump.wasm")), pump.wasm());
    assertArrayEquals(
        Files.readAllBytes(TestImages.EXAMPLES.resolve("pump.yaml")), pump.manifestYaml());
    assertEquals("pump", pump.manifest().name());
    assertArrayEquals(
        Files.readAllBytes(TestImages.EXAMPLES.resolve("pump.events.jsonl")),
        pump.selfTest().orElseThrow().eventsJsonl());
    assertArrayEquals(
        Files.readAllBytes(TestImages.EXAMPLES.resolve("pump.expected.jsonl")),
        pump.selfTest().orElseThrow().expectedJsonl());
    assertArrayEquals(image, v.file());
    assertEquals(TestImages.NOW, v.timeFloor());
    assertEquals(64, v.digest().length());
  }

  @Test
  void theSameInputsBuildTheSameBytes() {
    assertArrayEquals(unsigned(header("plant", 3), "pump"), unsigned(header("plant", 3), "pump"));
  }

  @Test
  void anUnsignedImageIsRefused() {
    ImageRejected e =
        assertThrows(
            ImageRejected.class,
            () ->
                verifier.verify(
                    unsigned(header("plant", 1), "pump"), "plant.rimg", context(root, 0)));
    assertEquals(ImageRejected.Reason.THRESHOLD_NOT_MET, e.reason());
    Messages.assertContains(e.getMessage(), "plant.rimg!image.json", "carries no signature");
  }

  @Test
  void anImageSignedByAnUnknownKeyIsRefused() {
    byte[] image = signed(unsigned(header("plant", 1), "pump"), newSigner("mallory"));
    ImageRejected e =
        assertThrows(
            ImageRejected.class, () -> verifier.verify(image, "plant.rimg", context(root, 0)));
    assertEquals(ImageRejected.Reason.UNKNOWN_KEY, e.reason());
    Messages.assertContains(e.getMessage(), "does not list");
  }

  @Test
  void anImageBelowTheFloorIsARollback() {
    byte[] image = signed(unsigned(header("plant", 4), "pump"), a);
    ImageRejected e =
        assertThrows(
            ImageRejected.class, () -> verifier.verify(image, "plant.rimg", context(root, 5)));
    assertEquals(ImageRejected.Reason.ROLLBACK, e.reason());
    Messages.assertContains(e.getMessage(), "security version 4 is below this gateway's floor 5");
    assertTrue(
        assertDoesNotThrowVerify(image, context(root, 4)).manifest().securityVersion() == 4,
        "the floor itself is accepted (reinstalling the same security version)");
  }

  private VerifiedImage assertDoesNotThrowVerify(byte[] image, VerifyContext ctx) {
    try {
      return verifier.verify(image, "plant.rimg", ctx);
    } catch (ImageRejected e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
