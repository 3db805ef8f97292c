package io.edgerule.daemon.cli;

import static io.edgerule.daemon.cli.CliRun.ok;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files the fleet tests start from, made with the program's own commands: {@code root.json}, a
 * trust root (version 1) listing the given public keys, and {@code plant.rimg}, the image plant
 * 2.0.0 (security version 2, the example pump rule), each signed by every signer. A signer is the
 * options that name its key: {@code --key a.key}, or {@code --pkcs11 CFG --alias A --pin-file F}.
 */
final class SignedFleetFiles {
  private SignedFleetFiles() {}

  static void write(Path dir, int threshold, List<Path> publicKeys, List<List<String>> signers) {
    List<String> create =
        new ArrayList<>(
            List.of(
                "keys", "trust-root", "create", "--version", "1", "--threshold", "" + threshold));
    for (Path key : publicKeys) {
      create.addAll(List.of("--key", key.toString()));
    }
    create.addAll(List.of("--out", dir.resolve("root.json").toString()));
    ok(create.toArray(String[]::new));
    for (List<String> signer : signers) {
      ok(withSigner(signer, "keys", "trust-root", "sign", dir.resolve("root.json").toString()));
    }
    buildPlantImage(dir.resolve("plant.rimg"), "2.0.0", 2);
    for (List<String> signer : signers) {
      ok(withSigner(signer, "image", "sign", dir.resolve("plant.rimg").toString()));
    }
  }

  /**
   * The image plant {@code version} with the example pump rule, unsigned, written to {@code out}.
   */
  static void buildPlantImage(Path out, String version, int securityVersion) {
    ok(
        "image",
        "build",
        "--name",
        "plant",
        "--version",
        version,
        "--security-version",
        Integer.toString(securityVersion),
        "--gateway-min",
        "0.1.0",
        "--rule",
        ExampleRulesReplayTest.EXAMPLES.resolve("pump.yaml").toString(),
        "--out",
        out.toString());
  }

  private static String[] withSigner(List<String> signer, String... command) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(signer);
    return all.toArray(String[]::new);
  }
}
