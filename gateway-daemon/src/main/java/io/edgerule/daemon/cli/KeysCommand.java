package io.edgerule.daemon.cli;

import io.edgerule.ota.trust.Pkcs11Keys;
import io.edgerule.ota.trust.SoftwareKeys;
import io.edgerule.ota.trust.TrustedKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule keys generate|list|export-public|trust-root}: signing keys (Ed25519 files or
 * ECDSA P-256 on a PKCS#11 token) and the trust root gateways check images against.
 */
@Command(
    name = "keys",
    description = "Make and list signing keys; create, sign and check trust roots.",
    mixinStandardHelpOptions = true,
    subcommands = {
      KeysCommand.Generate.class,
      KeysCommand.ListKeys.class,
      KeysCommand.ExportPublic.class,
      TrustRootCommand.class
    })
public final class KeysCommand {

  static String describe(TrustedKey k) {
    return k.id() + "  " + k.algorithm().id() + "  " + k.label();
  }

  @Command(
      name = "generate",
      description =
          "Make a key: an Ed25519 key pair in files (PREFIX.key, PREFIX.pub), or an ECDSA P-256 key on a PKCS#11 token.",
      mixinStandardHelpOptions = true)
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--out",
        paramLabel = "PREFIX",
        description = "Write PREFIX.key (private, mode 0600) and PREFIX.pub.")
    Path out;

    @Mixin SignerOptions token;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        TrustedKey made;
        if (token.pkcs11 != null) {
          if (token.alias == null || out != null) {
            throw new IllegalArgumentException(
                "on a token: give --pkcs11 CFG --alias NAME (and no --out)");
          }
          char[] pin = token.pin();
          Pkcs11Keys.generate(token.pkcs11, token.alias, pin, Map.of());
          made = Pkcs11Keys.open(token.pkcs11, pin).publicKey(token.alias);
        } else {
          if (out == null || token.key != null) {
            throw new IllegalArgumentException(
                "give --out PREFIX (software key) or --pkcs11 CFG --alias NAME");
          }
          Path priv = out.resolveSibling(out.getFileName() + ".key");
          Path pub = out.resolveSibling(out.getFileName() + ".pub");
          if (Files.exists(priv) || Files.exists(pub)) {
            throw new IllegalArgumentException(
                priv + " or " + pub + " exists already: a key is never overwritten");
          }
          KeyPair pair = SoftwareKeys.generate();
          SoftwareKeys.writePrivate(priv, pair.getPrivate());
          SoftwareKeys.writePublic(pub, pair.getPublic());
          made = SoftwareKeys.signer(pair, out.getFileName().toString()).publicKey();
        }
        spec.commandLine().getOut().println(describe(made));
        return ExitCodes.OK;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ExitCodes.FAILURE;
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        err.println("edgerule keys generate: " + e.getMessage());
        return ExitCodes.CONFIG;
      }
    }
  }

  @Command(
      name = "list",
      description =
          "Show the id, algorithm and label of key files (.key or .pub) or of a token's keys.",
      mixinStandardHelpOptions = true)
  static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..*")
    List<Path> files = List.of();

    @Mixin SignerOptions token;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        if (token.pkcs11 != null) {
          Pkcs11Keys hsm = Pkcs11Keys.open(token.pkcs11, token.pin());
          for (String alias : hsm.aliases()) {
            out.println(describe(hsm.publicKey(alias)));
          }
        }
        for (Path f : files) {
          out.println(describe(readAnyKey(f)));
        }
        return ExitCodes.OK;
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        err.println("edgerule keys list: " + e.getMessage());
        return ExitCodes.CONFIG;
      }
    }
  }

  /** The public key of a private (.key) or public (.pub) PEM file. */
  static TrustedKey readAnyKey(Path f) throws IOException {
    String text = Files.readString(f, StandardCharsets.US_ASCII);
    String label = f.getFileName().toString().replaceFirst("\\.(key|pub|pem)$", "");
    if (text.contains("PRIVATE KEY")) {
      return SoftwareKeys.signer(SoftwareKeys.readPrivate(f), label).publicKey();
    }
    return SoftwareKeys.readPublic(f, label);
  }

  @Command(
      name = "export-public",
      description = "Write the public key (PEM) of a private key file or of a key on a token.",
      mixinStandardHelpOptions = true)
  static final class ExportPublic implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin SignerOptions key;

    @Option(names = "--out", required = true, paramLabel = "FILE")
    Path out;

    @Override
    public Integer call() {
      try {
        TrustedKey pub = key.signer().publicKey();
        Files.writeString(
            out,
            SoftwareKeys.pem("PUBLIC KEY", pub.spki()),
            StandardCharsets.US_ASCII,
            java.nio.file.StandardOpenOption.CREATE_NEW);
        spec.commandLine().getOut().println(describe(pub));
        return ExitCodes.OK;
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        spec.commandLine().getErr().println("edgerule keys export-public: " + e.getMessage());
        return ExitCodes.CONFIG;
      }
    }
  }
}
