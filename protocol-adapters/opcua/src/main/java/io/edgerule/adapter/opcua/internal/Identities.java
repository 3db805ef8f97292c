package io.edgerule.adapter.opcua.internal;

import io.edgerule.adapter.opcua.OpcUaIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;

/** Builds Milo identity providers from the config, reading secrets at connect time. */
public final class Identities {
  private Identities() {}

  /** A secret or key file that cannot be used; the message names the file and the problem. */
  public static final class IdentityFileException extends Exception {
    public IdentityFileException(String message) {
      super(message);
    }
  }

  /**
   * @param serverCertificateValidator checks the server certificate that encrypts the password (on
   *     a None endpoint the password is still encrypted with it, so it must be trusted)
   */
  public static IdentityProvider provider(
      OpcUaIdentity identity, CertificateValidator serverCertificateValidator)
      throws IdentityFileException {
    return switch (identity.type()) {
      case ANONYMOUS -> AnonymousProvider.INSTANCE;
      case USERNAME ->
          new UsernameProvider(identity.username(), password(identity), serverCertificateValidator);
      case X509 -> new X509IdentityProvider(certificate(identity), privateKey(identity));
    };
  }

  /**
   * What a connect would find wrong with the identity's files, each message starting with the
   * setting ({@code identity.certificate: file ... does not exist}); empty when they can be used.
   */
  public static List<String> fileProblems(OpcUaIdentity identity) {
    List<String> problems = new ArrayList<>();
    switch (identity.type()) {
      case ANONYMOUS -> {}
      case USERNAME -> {
        if (identity.passwordFile() != null) {
          try {
            password(identity);
          } catch (IdentityFileException e) {
            problems.add(e.getMessage());
          }
        }
      }
      case X509 -> {
        try {
          certificate(identity);
        } catch (IdentityFileException e) {
          problems.add(e.getMessage());
        }
        try {
          privateKey(identity);
        } catch (IdentityFileException e) {
          problems.add(e.getMessage());
        }
      }
    }
    return problems;
  }

  private static List<X509Certificate> certificate(OpcUaIdentity identity)
      throws IdentityFileException {
    try {
      return Certificates.read(identity.certificate());
    } catch (NoSuchFileException e) {
      throw new IdentityFileException(
          "identity.certificate: file " + identity.certificate() + " does not exist");
    } catch (IOException e) {
      throw new IdentityFileException("identity.certificate: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(OpcUaIdentity identity) throws IdentityFileException {
    try {
      return Certificates.readPrivateKey(identity.privateKey());
    } catch (NoSuchFileException e) {
      throw new IdentityFileException(
          "identity.private_key: file " + identity.privateKey() + " does not exist");
    } catch (IOException e) {
      throw new IdentityFileException("identity.private_key: " + e.getMessage());
    }
  }

  private static String password(OpcUaIdentity identity) throws IdentityFileException {
    if (identity.password() != null) {
      return identity.password();
    }
    try {
      List<String> lines = Files.readAllLines(identity.passwordFile(), StandardCharsets.UTF_8);
      if (lines.isEmpty() || lines.get(0).isEmpty()) {
        throw new IdentityFileException(
            "identity.password_file: " + identity.passwordFile() + " is empty");
      }
      return lines.get(0);
    } catch (NoSuchFileException e) {
      throw new IdentityFileException(
          "identity.password_file: file " + identity.passwordFile() + " does not exist");
    } catch (IOException e) {
      throw new IdentityFileException(
          "identity.password_file: cannot read " + identity.passwordFile() + ": " + e);
    }
  }
}
