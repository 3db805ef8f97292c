package io.edgerule.ota.trust;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.edgerule.ota.trust.internal.Doc;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** Reads and writes the {@code signatures} array: {@code [{"keyid": hex, "sig": base64}, ...]}. */
public final class Signatures {
  private Signatures() {}

  /**
   * Reads a signatures document, {@code {"signatures": [...]}} (an image's signatures.json).
   *
   * @throws TrustException MALFORMED, with the path of the bad field
   */
  public static List<SignatureEntry> parseDocument(byte[] json, String where)
      throws TrustException {
    try {
      return read(Doc.parse(json, where).only(Set.of("signatures")), "signatures");
    } catch (Doc.Invalid e) {
      throw new TrustException(TrustException.Reason.MALFORMED, e.getMessage());
    }
  }

  /** The signatures document of a list of signatures (UTF-8 JSON). */
  public static byte[] document(List<SignatureEntry> signatures) {
    var json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
    var o = json.createObjectNode();
    write(o.putArray("signatures"), signatures);
    try {
      return (json.writeValueAsString(o) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The array under {@code key} of a document (entries in document order, repeats kept). */
  public static List<SignatureEntry> read(Doc d, String key) throws Doc.Invalid {
    List<SignatureEntry> out = new ArrayList<>();
    for (Doc s : d.objects(key, SignatureCheck.MAX_SIGNATURES)) {
      s.only(Set.of("keyid", "sig"));
      KeyId id;
      try {
        id = new KeyId(s.text("keyid"));
      } catch (IllegalArgumentException e) {
        throw new Doc.Invalid(s.at("keyid"), e.getMessage());
      }
      out.add(new SignatureEntry(id, s.base64("sig")));
    }
    return out;
  }

  /** Fills a JSON array with the entries. */
  public static void write(ArrayNode array, List<SignatureEntry> signatures) {
    for (SignatureEntry s : signatures) {
      var o = array.addObject();
      o.put("keyid", s.keyId().hex());
      o.put("sig", Base64.getEncoder().encodeToString(s.signature()));
    }
  }
}
