package io.edgerule.ota.trust;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * DSSE's pre-authentication encoding: what is actually signed is {@code "DSSEv1" SP len(type) SP
 * type SP len(body) SP body} (lengths in ASCII decimal). The body is the document's exact bytes (no
 * re-canonicalisation); the type binds the signature to one kind of document, so a signature over
 * an image manifest can never pass as one over a trust root.
 */
public final class Pae {
  /** The payload type of image manifests. */
  public static final String IMAGE_TYPE = "application/vnd.edgerule.image+json";

  /** The payload type of trust roots. */
  public static final String ROOT_TYPE = "application/vnd.edgerule.root+json";

  private Pae() {}

  public static byte[] encode(String payloadType, byte[] body) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + type.length + 32);
    write(out, "DSSEv1 " + type.length + " ");
    out.writeBytes(type);
    write(out, " " + body.length + " ");
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, String ascii) {
    out.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
  }
}
