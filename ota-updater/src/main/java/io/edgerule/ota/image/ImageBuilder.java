package io.edgerule.ota.image;

import io.edgerule.ota.image.ImageManifest.Compatibility;
import io.edgerule.ota.image.ImageManifest.Payload;
import io.edgerule.ota.image.ImageManifest.RuleEntry;
import io.edgerule.ota.image.ImageManifest.SelfTest;
import io.edgerule.sandbox.RuleManifest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds an unsigned {@code .rimg}: each rule's module and manifest (and self-test vectors) under
 * {@code rules/<name>/}, an {@code image.json} listing their sizes and SHA-256, and an empty {@code
 * signatures.json} for {@link ImageSigning} to fill. The same inputs give the same bytes.
 */
public final class ImageBuilder {
  private ImageBuilder() {}

  /** What the image manifest says about the image as a whole. */
  public record Header(
      String name,
      String version,
      long securityVersion,
      Instant created,
      Instant expires,
      Compatibility compatibility) {
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(created, "created");
      Objects.requireNonNull(expires, "expires");
      Objects.requireNonNull(compatibility, "compatibility");
    }
  }

  /** One rule's files: module, manifest text, and optional self-test vectors (both or neither). */
  public record RuleFiles(
      byte[] wasm, byte[] manifestYaml, Optional<byte[]> events, Optional<byte[]> expected) {
    public RuleFiles {
      Objects.requireNonNull(wasm, "wasm");
      Objects.requireNonNull(manifestYaml, "manifestYaml");
      if (events.isPresent() != expected.isPresent()) {
        throw new IllegalArgumentException(
            "self-test vectors need both the events and the expected output");
      }
    }
  }

  /**
   * @param where names the rule's source in errors
   * @throws IllegalArgumentException when a rule's manifest does not parse, two rules share a name,
   *     or the header is invalid (the message says which)
   */
  public static byte[] build(Header h, List<RuleFiles> rules, List<String> where) {
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("an image holds at least one rule");
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    List<RuleEntry> entries = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      RuleFiles r = rules.get(i);
      String source = i < where.size() ? where.get(i) : "rule " + (i + 1);
      String name =
          RuleManifest.parse(new String(r.manifestYaml(), StandardCharsets.UTF_8), source).name();
      String dir = "rules/" + name + "/";
      if (files.containsKey(dir + "rule.yaml")) {
        throw new IllegalArgumentException(source + ": a second rule named '" + name + "'");
      }
      Payload module = add(files, dir + "module.wasm", r.wasm());
      Payload manifest = add(files, dir + "rule.yaml", r.manifestYaml());
      Optional<SelfTest> test = Optional.empty();
      if (r.events().isPresent()) {
        test =
            Optional.of(
                new SelfTest(
                    add(files, dir + "events.jsonl", r.events().get()),
                    add(files, dir + "expected.jsonl", r.expected().get())));
      }
      entries.add(new RuleEntry(name, module, manifest, test));
    }
    ImageManifest m =
        new ImageManifest(
            h.name(),
            h.version(),
            h.securityVersion(),
            h.created(),
            h.expires(),
            h.compatibility(),
            entries);
    byte[] json = ImageManifestJson.write(m);
    try {
      ImageManifestJson.parse(
          json,
          "the new "
              + ImageArchive.MANIFEST); // the header's values are checked once, by the reader
    } catch (io.edgerule.ota.trust.internal.Doc.Invalid e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    Map<String, byte[]> all = new LinkedHashMap<>();
    all.put(ImageArchive.MANIFEST, json);
    all.put(ImageArchive.SIGNATURES, ImageSigning.signaturesJson(List.of()));
    all.putAll(files);
    return ImageArchive.write(all);
  }

  private static Payload add(Map<String, byte[]> files, String path, byte[] data) {
    files.put(path, data);
    return new Payload(path, data.length, ImageVerifier.sha256(data));
  }
}
