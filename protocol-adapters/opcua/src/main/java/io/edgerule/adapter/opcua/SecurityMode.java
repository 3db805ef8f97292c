package io.edgerule.adapter.opcua;

/** The message security mode of an OPC-UA endpoint ({@code security_mode: sign_and_encrypt}). */
public enum SecurityMode {
  /** Only with security policy NONE. */
  NONE,
  /** Messages are signed (tamper-proof) but readable on the wire. */
  SIGN,
  /** Messages are signed and encrypted. */
  SIGN_AND_ENCRYPT;

  /** The name OPC-UA tools show, e.g. "SignAndEncrypt". */
  public String displayName() {
    return switch (this) {
      case NONE -> "None";
      case SIGN -> "Sign";
      case SIGN_AND_ENCRYPT -> "SignAndEncrypt";
    };
  }
}
