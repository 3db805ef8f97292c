package io.edgerule.ota.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.ota.image.ImageManifest.Compatibility;
import io.edgerule.ota.image.ImageManifest.Payload;
import io.edgerule.ota.image.ImageManifest.RuleEntry;
import io.edgerule.ota.image.ImageManifest.SelfTest;
import io.edgerule.ota.image.internal.EntryNames;
import io.edgerule.ota.trust.internal.Doc;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and writes {@code image.json}. Reading is strict (unknown or repeated keys, a wrong type, a
 * bad value are refused with the path of the field); writing is deterministic (fixed key order,
 * two-space indent), so a rebuilt image has the same bytes.
 */
public final class ImageManifestJson {
  /** Largest {@code image.json}: a manifest lists a few dozen files in a few kilobytes. */
  public static final int MAX_SIZE = 1024 * 1024;

  /** Most rules in one image. */
  public static final int MAX_RULES = 64;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ImageManifestJson() {}

  /**
   * @param where names the document in errors (usually {@code image.json} or {@code
   *     x.rimg!image.json})
   * @throws Doc.Invalid with the field's path and what is wrong
   */
  public static ImageManifest read(byte[] bytes, String where) throws ImageRejected {
    try {
      return parse(bytes, where);
    } catch (Doc.Invalid e) {
      throw new ImageRejected(ImageRejected.Reason.MALFORMED, e.getMessage());
    }
  }

  static ImageManifest parse(byte[] bytes, String where) throws Doc.Invalid {
    if (bytes.length > MAX_SIZE) {
      throw new Doc.Invalid(
          where, "is " + bytes.length + " bytes; at most " + MAX_SIZE + " are allowed");
    }
    Doc d =
        Doc.parse(bytes, where)
            .only(
                Set.of(
                    "type",
                    "name",
                    "version",
                    "security_version",
                    "created",
                    "expires",
                    "compatibility",
                    "rules"));
    String type = d.text("type");
    if (!type.equals(ImageManifest.TYPE)) {
      throw new Doc.Invalid(
          d.at("type"),
          "'"
              + type
              + "' is not "
              + ImageManifest.TYPE
              + " (an image for another version of edgerule?)");
    }
    String name = matching(d, "name", NAME, "1-64 ASCII letters, digits, '.', '_', '-'");
    String version =
        matching(d, "version", VERSION, "1-64 ASCII letters, digits, '.', '+', '_', '-'");
    long securityVersion = d.integer("security_version", 0, Long.MAX_VALUE);
    var created = d.instant("created");
    var expires = d.instant("expires");
    if (!expires.isAfter(created)) {
      throw new Doc.Invalid(d.at("expires"), expires + " is not after created (" + created + ")");
    }
    Compatibility compat = compatibility(d.object("compatibility"));
    List<Doc> ruleDocs = d.objects("rules", MAX_RULES);
    if (ruleDocs.isEmpty()) {
      throw new Doc.Invalid(d.at("rules"), "is empty: an image holds at least one rule");
    }
    List<RuleEntry> rules = new ArrayList<>();
    Set<String> ruleNames = new HashSet<>();
    Set<String> paths = new HashSet<>();
    for (Doc r : ruleDocs) {
      r.only(Set.of("name", "module", "manifest", "self_test"));
      String ruleName = r.text("name");
      if (!ruleNames.add(ruleName)) {
        throw new Doc.Invalid(r.at("name"), "rule '" + ruleName + "' is listed twice");
      }
      Payload module = payload(r.object("module"), paths);
      Payload manifest = payload(r.object("manifest"), paths);
      Optional<SelfTest> test = Optional.empty();
      if (r.has("self_test")) {
        Doc t = r.object("self_test").only(Set.of("events", "expected"));
        test =
            Optional.of(
                new SelfTest(
                    payload(t.object("events"), paths), payload(t.object("expected"), paths)));
      }
      rules.add(new RuleEntry(ruleName, module, manifest, test));
    }
    return new ImageManifest(name, version, securityVersion, created, expires, compat, rules);
  }

  private static Compatibility compatibility(Doc c) throws Doc.Invalid {
    c.only(Set.of("gateway_min", "gateway_below", "rule_abi"));
    GatewayVersion min = version(c, "gateway_min");
    Optional<GatewayVersion> below = Optional.empty();
    if (c.has("gateway_below")) {
      below = Optional.of(version(c, "gateway_below"));
      if (below.get().compareTo(min) <= 0) {
        throw new Doc.Invalid(
            c.at("gateway_below"), below.get() + " is not above gateway_min (" + min + ")");
      }
    }
    int abi = (int) c.integer("rule_abi", 1, 1000);
    return new Compatibility(min, below, abi);
  }

  private static GatewayVersion version(Doc d, String key) throws Doc.Invalid {
    try {
      return GatewayVersion.parse(d.text(key));
    } catch (IllegalArgumentException e) {
      throw new Doc.Invalid(d.at(key), e.getMessage());
    }
  }

  private static Payload payload(Doc p, Set<String> seen) throws Doc.Invalid {
    p.only(Set.of("path", "size", "sha256"));
    String path = p.text("path");
    String problem = EntryNames.problem(path);
    if (problem != null) {
      throw new Doc.Invalid(p.at("path"), "'" + path + "' " + problem);
    }
    if (path.equalsIgnoreCase(ImageArchive.MANIFEST)
        || path.equalsIgnoreCase(ImageArchive.SIGNATURES)) {
      throw new Doc.Invalid(
          p.at("path"), "'" + path + "' is reserved for the image's own metadata");
    }
    if (!seen.add(EntryNames.identity(path))) {
      throw new Doc.Invalid(p.at("path"), "'" + path + "' is listed twice");
    }
    long size = p.integer("size", 0, ImageLimits.HARD_MAX_ENTRY);
    String sha = matching(p, "sha256", SHA256, "64 lower-case hex digits");
    return new Payload(path, size, sha);
  }

  private static String matching(Doc d, String key, Pattern p, String form) throws Doc.Invalid {
    String s = d.text(key);
    if (!p.matcher(s).matches()) {
      throw new Doc.Invalid(d.at(key), "'" + s + "' is not " + form);
    }
    return s;
  }

  /** The manifest as UTF-8 JSON, keys in a fixed order, ending with a newline. */
  public static byte[] write(ImageManifest m) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", ImageManifest.TYPE);
    o.put("name", m.name());
    o.put("version", m.version());
    o.put("security_version", m.securityVersion());
    o.put("created", m.created().toString());
    o.put("expires", m.expires().toString());
    ObjectNode c = o.putObject("compatibility");
    c.put("gateway_min", m.compatibility().minGateway().toString());
    m.compatibility().belowGateway().ifPresent(b -> c.put("gateway_below", b.toString()));
    c.put("rule_abi", m.compatibility().ruleAbi());
    var rules = o.putArray("rules");
    for (RuleEntry r : m.rules()) {
      ObjectNode e = rules.addObject();
      e.put("name", r.name());
      put(e.putObject("module"), r.module());
      put(e.putObject("manifest"), r.manifest());
      r.selfTest()
          .ifPresent(
              t -> {
                ObjectNode s = e.putObject("self_test");
                put(s.putObject("events"), t.events());
                put(s.putObject("expected"), t.expected());
              });
    }
    try {
      return (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  private static void put(ObjectNode n, Payload p) {
    n.put("path", p.path());
    n.put("size", p.size());
    n.put("sha256", p.sha256());
  }
}
