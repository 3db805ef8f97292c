package io.edgerule.adapter.opcua;

import java.nio.file.Path;

/**
 * Who the gateway says it is when it activates a session (the user identity token). The application
 * instance certificate authenticates the gateway program; this authenticates the user the gateway
 * acts for, and the server grants access rights by it.
 *
 * <pre>{@code
 * identity: {type: anonymous}                                   # the default
 * identity: {type: username, username: gw, password_file: /etc/edgerule/opcua.pw}
 * identity: {type: x509, certificate: user.der, private_key: user.pem}
 * }</pre>
 *
 * @param type ANONYMOUS, USERNAME or X509; when omitted it follows from the other fields
 * @param username the user name (USERNAME)
 * @param password the password written in the config (USERNAME); prefer {@code password_file}
 * @param passwordFile a file whose first line is the password, read at every connect (USERNAME)
 * @param certificate the user's X.509 certificate, DER or PEM (X509)
 * @param privateKey the user's private key, PKCS#8 PEM (X509)
 */
public record OpcUaIdentity(
    Type type,
    String username,
    String password,
    Path passwordFile,
    Path certificate,
    Path privateKey) {

  public enum Type {
    ANONYMOUS,
    USERNAME,
    X509
  }

  public static final OpcUaIdentity ANONYMOUS_IDENTITY =
      new OpcUaIdentity(Type.ANONYMOUS, null, null, null, null, null);

  public OpcUaIdentity {
    if (type == null) {
      type =
          username != null
              ? Type.USERNAME
              : certificate != null || privateKey != null ? Type.X509 : Type.ANONYMOUS;
    }
    switch (type) {
      case ANONYMOUS -> {
        if (username != null || password != null || passwordFile != null) {
          throw new IllegalArgumentException(
              "identity: type anonymous takes no username or password; use type: username");
        }
        if (certificate != null || privateKey != null) {
          throw new IllegalArgumentException(
              "identity: type anonymous takes no certificate; use type: x509");
        }
      }
      case USERNAME -> {
        if (username == null || username.isBlank()) {
          throw new IllegalArgumentException("identity.username: required for type username");
        }
        if ((password == null) == (passwordFile == null)) {
          throw new IllegalArgumentException(
              "identity: type username needs exactly one of password or password_file");
        }
        if (certificate != null || privateKey != null) {
          throw new IllegalArgumentException(
              "identity: type username takes no certificate or private_key");
        }
      }
      case X509 -> {
        if (certificate == null) {
          throw new IllegalArgumentException(
              "identity.certificate: required for type x509 (a DER or PEM file)");
        }
        if (privateKey == null) {
          throw new IllegalArgumentException(
              "identity.private_key: required for type x509 (a PKCS#8 PEM file)");
        }
        if (username != null || password != null || passwordFile != null) {
          throw new IllegalArgumentException("identity: type x509 takes no username or password");
        }
      }
    }
  }

  public static OpcUaIdentity anonymous() {
    return ANONYMOUS_IDENTITY;
  }

  public static OpcUaIdentity user(String username, String password) {
    return new OpcUaIdentity(Type.USERNAME, username, password, null, null, null);
  }

  /** This identity with relative file paths resolved against {@code dir}. */
  public OpcUaIdentity resolvePaths(Path dir) {
    return new OpcUaIdentity(
        type,
        username,
        password,
        passwordFile == null ? null : dir.resolve(passwordFile),
        certificate == null ? null : dir.resolve(certificate),
        privateKey == null ? null : dir.resolve(privateKey));
  }

  public static OpcUaIdentity x509(Path certificate, Path privateKey) {
    return new OpcUaIdentity(Type.X509, null, null, null, certificate, privateKey);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return switch (type) {
      case ANONYMOUS -> "anonymous";
      case USERNAME -> "username " + username;
      case X509 -> "x509 " + certificate;
    };
  }
}
