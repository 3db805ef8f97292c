package io.edgerule.adapter.opcua;

/**
 * The OPC-UA security policies the adapter can use, as written in the config ({@code
 * security_policy: basic256sha256}). Older policies (Basic128Rsa15, Basic256) are deprecated by the
 * OPC Foundation because of SHA-1 and are deliberately not offered.
 */
public enum SecurityPolicyName {
  /** No signing, no encryption: only for isolated test networks. */
  NONE("http://opcfoundation.org/UA/SecurityPolicy#None"),
  BASIC256SHA256("http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256"),
  AES128_SHA256_RSAOAEP("http://opcfoundation.org/UA/SecurityPolicy#Aes128_Sha256_RsaOaep"),
  AES256_SHA256_RSAPSS("http://opcfoundation.org/UA/SecurityPolicy#Aes256_Sha256_RsaPss");

  private final String uri;

  SecurityPolicyName(String uri) {
    this.uri = uri;
  }

  /** The policy URI servers list in their endpoint descriptions. */
  public String uri() {
    return uri;
  }

  /** The short name OPC-UA tools show, e.g. "Basic256Sha256". */
  public String displayName() {
    return uri.substring(uri.indexOf('#') + 1);
  }

  /** The policy with this URI, or null when it is not one of ours (e.g. a deprecated policy). */
  public static SecurityPolicyName fromUri(String uri) {
    for (SecurityPolicyName p : values()) {
      if (p.uri.equals(uri)) {
        return p;
      }
    }
    return null;
  }
}
