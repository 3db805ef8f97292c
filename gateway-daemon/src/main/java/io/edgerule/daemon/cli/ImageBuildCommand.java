package io.edgerule.daemon.cli;

import io.edgerule.ota.image.GatewayVersion;
import io.edgerule.ota.image.ImageBuilder;
import io.edgerule.ota.image.ImageLimits;
import io.edgerule.ota.image.ImageManifest;
import io.edgerule.sandbox.RuleManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code edgerule image build}: an unsigned image from rule manifests (logic in ota-updater). */
@Command(
    name = "build",
    description =
        "Build an unsigned image from rule manifests (each names its module). Exit 0, or 2 for bad input.",
    mixinStandardHelpOptions = true)
final class ImageBuildCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--name", required = true, description = "The image's name.")
  String name;

  @Option(names = "--version", required = true, description = "Version label (e.g. 1.4.0).")
  String version;

  @Option(
      names = "--security-version",
      required = true,
      paramLabel = "N",
      description = "Monotonic security version: gateways refuse an image below their floor.")
  long securityVersion;

  @Option(
      names = "--expires",
      defaultValue = "90d",
      paramLabel = "WHEN",
      description = "Expiry: an instant or a duration from now (default 90d).")
  String expires;

  @Option(
      names = "--gateway-min",
      required = true,
      paramLabel = "V",
      description = "Oldest gateway version it runs on.")
  String gatewayMin;

  @Option(
      names = "--gateway-below",
      paramLabel = "V",
      description = "First gateway version it no longer runs on.")
  String gatewayBelow;

  @Option(
      names = "--rule",
      required = true,
      paramLabel = "MANIFEST",
      description = "A rule manifest (its 'module' key names the .wasm). Repeat for more rules.")
  List<Path> rules;

  @Option(
      names = "--self-test",
      paramLabel = "RULE=EVENTS,EXPECTED",
      description =
          "Self-test vectors of a rule: events JSONL ('rule record') and the expected output JSONL ('rule test').")
  Map<String, String> selfTests = new HashMap<>();

  @Option(names = "--out", required = true, paramLabel = "FILE")
  Path out;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      Instant now = Instant.now();
      var compat =
          new ImageManifest.Compatibility(
              GatewayVersion.parse(gatewayMin),
              Optional.ofNullable(gatewayBelow).map(GatewayVersion::parse),
              RuleManifest.ABI_VERSION);
      var header =
          new ImageBuilder.Header(
              name,
              version,
              securityVersion,
              now,
              ImageCommand.instantOrAfter("--expires", expires, now),
              compat);
      List<ImageBuilder.RuleFiles> files = new ArrayList<>();
      List<String> where = new ArrayList<>();
      Map<String, String> tests = new HashMap<>(selfTests);
      for (Path m : rules) {
        RuleManifest manifest = RuleManifest.load(m);
        Path wasm =
            manifest
                .module()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            m + ": names no module (add 'module: NAME.wasm')"));
        Optional<byte[]> events = Optional.empty();
        Optional<byte[]> expected = Optional.empty();
        String test = tests.remove(manifest.name());
        if (test != null) {
          String[] two = test.split(",", -1);
          if (two.length != 2) {
            throw new IllegalArgumentException(
                "--self-test " + manifest.name() + "=" + test + ": give EVENTS,EXPECTED");
          }
          events =
              Optional.of(
                  ImageCommand.read(Path.of(two[0]), ImageLimits.defaults().maxEntryBytes()));
          expected =
              Optional.of(
                  ImageCommand.read(Path.of(two[1]), ImageLimits.defaults().maxEntryBytes()));
        }
        if (events.isPresent()) {
          // The gateway runs these at trial: vectors that fail here would fail every gateway.
          Optional<String> bad =
              SelfTestCheck.mismatch(
                  test.split(",", -1)[0],
                  events.get(),
                  expected.get(),
                  ImageCommand.read(wasm, ImageLimits.defaults().maxEntryBytes()),
                  manifest);
          if (bad.isPresent()) {
            throw new IllegalArgumentException("--self-test " + manifest.name() + ": " + bad.get());
          }
        }
        files.add(
            new ImageBuilder.RuleFiles(
                ImageCommand.read(wasm, ImageLimits.defaults().maxEntryBytes()),
                ImageCommand.read(m, RuleManifest.MAX_SIZE),
                events,
                expected));
        where.add(m.toString());
      }
      if (!tests.isEmpty()) {
        throw new IllegalArgumentException(
            "--self-test for rules not in the image: " + tests.keySet());
      }
      byte[] image = ImageBuilder.build(header, files, where);
      Files.write(out, image);
      spec.commandLine()
          .getOut()
          .printf(
              "built %s: %s %s, security version %d, %d rule(s), unsigned (sign it with 'edgerule image sign')%n",
              out, name, version, securityVersion, files.size());
      return ExitCodes.OK;
    } catch (IOException e) {
      err.println("edgerule image build: " + e.getMessage());
      return ExitCodes.CONFIG;
    } catch (RuntimeException e) {
      err.println("edgerule image build: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
  }
}
