package io.edgerule.ota.trust;

import static io.edgerule.ota.image.TestImages.context;
import static io.edgerule.ota.image.TestImages.header;
import static io.edgerule.ota.image.TestImages.newSigner;
import static io.edgerule.ota.image.TestImages.root;
import static io.edgerule.ota.image.TestImages.signed;
import static io.edgerule.ota.image.TestImages.unsigned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgerule.ota.image.ImageRejected;
import io.edgerule.ota.image.ImageVerifier;
import io.edgerule.ota.image.VerifiedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ECDSA P-256 signing inside a real PKCS#11 token: SoftHSM2 (Debian package softhsm2) with a token
 * made for this test, the key generated on it by keytool, signatures made through SunPKCS11.
 */
class Pkcs11SigningTest {
  static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
  static final char[] PIN = "5678".toCharArray();
  static Path config;
  static Map<String, String> env;

  @BeforeAll
  static void token() throws Exception {
    String conf = System.getenv("SOFTHSM2_CONF");
    assertNotNull(
        conf, "SOFTHSM2_CONF is unset: run this test through Maven (the surefire config sets it)");
    if (!Files.exists(Path.of(LIBRARY)) || !Files.isExecutable(Path.of("/usr/bin/softhsm2-util"))) {
      throw new AssertionError(
          "SoftHSM2 is not installed: apt-get install softhsm2 (the Debian package; ./test installs it)");
    }
    Path dir = Path.of(conf).getParent();
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Path tokens = Files.createDirectories(dir.resolve("tokens"));
    Files.writeString(
        Path.of(conf),
        "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    env = Map.of("SOFTHSM2_CONF", conf);
    run(
        "/usr/bin/softhsm2-util",
        "--init-token",
        "--free",
        "--label",
        "edgerule-test",
        "--so-pin",
        "1234",
        "--pin",
        new String(PIN));
    config = dir.resolve("pkcs11.cfg");
    Files.writeString(
        config,
        "name = SoftHSM\nlibrary = "
            + LIBRARY
            + "\nslotListIndex = 0\n"
            + "attributes(generate, CKO_PRIVATE_KEY, *) = {\n  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n");
    Pkcs11Keys.generate(config, "release-hsm", PIN, env);
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
    }
  }

  @Test
  void anImageSignedInTheHsmVerifiesWithItsPublicKeyAlone() throws Exception {
    Pkcs11Keys hsm = Pkcs11Keys.open(config, PIN);
    assertEquals(List.of("release-hsm"), hsm.aliases());
    Signer key = hsm.signer("release-hsm");
    assertEquals(KeyAlgorithm.ECDSA_P256, key.publicKey().algorithm());
    // the private key stays on the token: SunPKCS11 cannot hand out its bytes
    assertNull(hsm.privateKey("release-hsm").getEncoded());

    Signer soft = newSigner("release-soft");
    TrustRoot root = root(2, List.of(soft, key), Set.of());
    byte[] image = signed(unsigned(header("plant", 1), "pump"), key, soft);
    VerifiedImage v = new ImageVerifier().verify(image, "plant.rimg", context(root, 0));
    assertEquals(Set.of(key.publicKey().id(), soft.publicKey().id()), v.signers());

    // the HSM signature alone does not meet the threshold of two
    ImageRejected e =
        assertThrows(
            ImageRejected.class,
            () ->
                new ImageVerifier()
                    .verify(
                        signed(unsigned(header("plant", 1), "pump"), key),
                        "plant.rimg",
                        context(root, 0)));
    assertEquals(ImageRejected.Reason.THRESHOLD_NOT_MET, e.reason());
  }
}
