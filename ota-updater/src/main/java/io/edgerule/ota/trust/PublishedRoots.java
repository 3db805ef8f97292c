package io.edgerule.ota.trust;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.ota.trust.internal.Doc;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The trust roots a fleet publishes for its gateways, as one retained message: the chain of signed
 * roots, oldest first, each the envelope of a {@code root.json} as an object.
 *
 * <pre>{@code
 * {"type": "edgerule-roots/v1",
 *  "roots": [{"payloadType": "application/vnd.edgerule.root+json", "payload": base64,
 *             "signatures": [...]}, ...]}
 * }</pre>
 *
 * <p>One message holds the whole chain so a gateway that was offline for several rotations gets
 * every root it missed at once, in order, whatever order a broker delivers other retained messages
 * in. The message itself is not signed: each root carries its own signatures, and a gateway takes a
 * root only along {@link RootChain} from the root it trusts. Reading checks the form only.
 */
public final class PublishedRoots {
  public static final String TYPE = "edgerule-roots/v1";

  /** Most roots in the chain: a rotation a month for eight years. */
  public static final int MAX_ROOTS = 100;

  /** Largest message read (a root with a handful of keys is 1-2 KB). */
  public static final int MAX_SIZE = 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<TrustRoot> roots;

  private PublishedRoots(List<TrustRoot> roots) {
    this.roots = List.copyOf(roots);
  }

  /** No root published yet. */
  public static PublishedRoots empty() {
    return new PublishedRoots(List.of());
  }

  /**
   * Reads the message strictly (unknown keys, wrong types, a malformed root are refused, naming the
   * field). No signature is checked here.
   *
   * @param where names the message (its topic) in errors
   * @throws TrustException {@code MALFORMED}, saying what and where
   */
  public static PublishedRoots read(byte[] json, String where) throws TrustException {
    if (json.length > MAX_SIZE) {
      throw new TrustException(
          TrustException.Reason.MALFORMED,
          where + ": " + json.length + " bytes; at most " + MAX_SIZE + " are read");
    }
    try {
      Doc d = Doc.parse(json, where).only(Set.of("type", "roots"));
      String type = d.text("type");
      if (!type.equals(TYPE)) {
        throw new Doc.Invalid(d.at("type"), "'" + type + "' is not " + TYPE);
      }
      List<TrustRoot> roots = new ArrayList<>();
      for (Doc r : d.objects("roots", MAX_ROOTS)) {
        roots.add(TrustRoot.fromEnvelope(r, r.path()));
      }
      return new PublishedRoots(roots);
    } catch (Doc.Invalid e) {
      throw new TrustException(TrustException.Reason.MALFORMED, e.getMessage());
    }
  }

  /** The roots, oldest first. */
  public List<TrustRoot> roots() {
    return roots;
  }

  /** The roots newer than {@code version}, oldest first (what a gateway at that version walks). */
  public List<TrustRoot> after(long version) {
    return roots.stream().filter(r -> r.version() > version).toList();
  }

  /** The newest root, if any. */
  public Optional<TrustRoot> last() {
    return roots.isEmpty() ? Optional.empty() : Optional.of(roots.get(roots.size() - 1));
  }

  /**
   * The chain with {@code added} appended, checked as gateways will check it, so a fleet never
   * publishes a root its gateways would refuse. A root already in the chain (the same payload
   * bytes; more signatures are fine) is left as it is, so publishing again changes nothing. Every
   * other root must follow the one before it ({@link RootChain#step}); the first root of an empty
   * chain must follow {@code trusted} (the root the gateways hold) when given, else be signed by
   * its own keys. The newest root must not be expired at {@code now}.
   *
   * @throws TrustException naming the first root that does not follow, and why; {@code
   *     BAD_ROTATION} for a version published before with other content, or a chain longer than
   *     {@link #MAX_ROOTS}
   */
  public PublishedRoots extend(List<TrustRoot> added, Optional<TrustRoot> trusted, Instant now)
      throws TrustException {
    List<TrustRoot> chain = new ArrayList<>(roots);
    for (TrustRoot next : added) {
      Optional<TrustRoot> same =
          chain.stream().filter(r -> r.version() == next.version()).findFirst();
      if (same.isPresent()) {
        if (!Arrays.equals(same.get().payload(), next.payload())) {
          throw new TrustException(
              TrustException.Reason.BAD_ROTATION,
              "root v"
                  + next.version()
                  + " is published already with other content: a published version is never"
                  + " replaced (make v"
                  + (chain.get(chain.size() - 1).version() + 1)
                  + ")");
        }
        continue;
      }
      if (!chain.isEmpty()) {
        RootChain.step(chain.get(chain.size() - 1), next);
      } else if (trusted.isPresent()
          && trusted.get().version() == next.version()
          && Arrays.equals(trusted.get().payload(), next.payload())) {
        // the gateways' own root as the head of the chain: nothing to check
      } else if (trusted.isPresent()) {
        RootChain.step(trusted.get(), next);
      } else {
        next.checkSignedBy(next, "root v" + next.version() + " (by its own keys)");
      }
      chain.add(next);
    }
    if (chain.size() > MAX_ROOTS) {
      throw new TrustException(
          TrustException.Reason.BAD_ROTATION,
          "the chain would hold " + chain.size() + " roots; at most " + MAX_ROOTS);
    }
    if (!chain.isEmpty()) {
      chain.get(chain.size() - 1).checkFresh(now);
    }
    return new PublishedRoots(chain);
  }

  /** The message's bytes, as published. */
  public byte[] toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", TYPE);
    ArrayNode a = o.putArray("roots");
    roots.forEach(r -> r.writeEnvelope(a.addObject()));
    try {
      return JSON.writeValueAsString(o).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code v2..v4 (3 roots)}, or {@code no root}. */
  public String describe() {
    if (roots.isEmpty()) {
      return "no root";
    }
    return "v"
        + roots.get(0).version()
        + ".."
        + "v"
        + roots.get(roots.size() - 1).version()
        + " ("
        + roots.size()
        + (roots.size() == 1 ? " root)" : " roots)");
  }
}
