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
