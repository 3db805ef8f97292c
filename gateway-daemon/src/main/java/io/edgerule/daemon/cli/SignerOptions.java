package io.edgerule.daemon.cli;

import io.edgerule.ota.trust.Pkcs11Keys;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.SoftwareKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import picocli.CommandLine.Option;

/**
 * Which key signs: a software Ed25519 key file ({@code --key}) or a key on a PKCS#11 token ({@code
 * --pkcs11 CFG --alias A}, PIN from {@code --pin-file} or the {@code EDGERULE_PKCS11_PIN}
 * environment variable, never from the command line).
 */
final class SignerOptions {
  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "Ed25519 private key (PEM, from 'keys generate').")
  Path key;

  @Option(
      names = "--pkcs11",
      paramLabel = "CFG",
      description = "SunPKCS11 config file of the token.")
  Path pkcs11;

  @Option(names = "--alias", paramLabel = "NAME", description = "The key's alias on the token.")
  String alias;

  @Option(
      names = "--pin-file",
      paramLabel = "FILE",
      description =
          "File holding the token PIN. Default: the EDGERULE_PKCS11_PIN environment variable.")
  Path pinFile;

  boolean given() {
    return key != null || pkcs11 != null;
  }

  /**
   * @throws IllegalArgumentException for a wrong combination of options or an unreadable key
   */
  Signer signer() throws IOException, GeneralSecurityException {
    if ((key == null) == (pkcs11 == null)) {
      throw new IllegalArgumentException("give either --key FILE or --pkcs11 CFG --alias NAME");
    }
    if (key != null) {
      return SoftwareKeys.signer(SoftwareKeys.readPrivate(key), key.getFileName().toString());
    }
    if (alias == null) {
      throw new IllegalArgumentException("--pkcs11 needs --alias NAME");
    }
    return Pkcs11Keys.open(pkcs11, pin()).signer(alias);
  }

  char[] pin() throws IOException {
    if (pinFile != null) {
      return Files.readString(pinFile, StandardCharsets.UTF_8).strip().toCharArray();
    }
    String env = System.getenv("EDGERULE_PKCS11_PIN");
    if (env == null) {
      throw new IllegalArgumentException(
          "the token PIN: give --pin-file FILE or set EDGERULE_PKCS11_PIN");
    }
    return env.toCharArray();
  }
}
