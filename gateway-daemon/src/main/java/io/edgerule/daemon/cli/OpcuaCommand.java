package io.edgerule.daemon.cli;

import io.edgerule.adapter.opcua.BrowseNode;
import io.edgerule.adapter.opcua.CertificateInfo;
import io.edgerule.adapter.opcua.OpcUaBrowser;
import io.edgerule.adapter.opcua.OpcUaIdentity;
import io.edgerule.adapter.opcua.OpcUaPki;
import io.edgerule.adapter.opcua.SecurityMode;
import io.edgerule.adapter.opcua.SecurityPolicyName;
import io.edgerule.daemon.config.ConfigException;
import io.edgerule.daemon.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule opcua ...}: commissioning help for OPC-UA servers: list an address space, decide
 * which server certificates the gateway trusts, show its PKI folder.
 */
@Command(
    name = "opcua",
    description = "OPC-UA tools: browse a server, trust its certificate, list the PKI folder.",
    mixinStandardHelpOptions = true,
    subcommands = {OpcuaCommand.Browse.class, OpcuaCommand.Trust.class, OpcuaCommand.Certs.class})
public final class OpcuaCommand {

  /** Where the gateway keeps its state: from the config, or given, or the default. */
  static final class StateDir {
    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "Take the state folder (gateway.state_dir) from this config.")
    Path config;

    @Option(
        names = "--state-dir",
        paramLabel = "DIR",
        description = "The gateway's state folder (default /var/lib/edgerule).")
    Path stateDir;

    Path resolve() throws ConfigException {
      if (stateDir != null) {
        return stateDir;
      }
      if (config != null) {
        return new ConfigLoader(Factories.installed()).load(config).gateway().stateDir();
      }
      return Path.of("/var/lib/edgerule");
    }
  }

  @Command(
      name = "browse",
      description = {
        "List the address space below NODE (default: the Objects folder) to help write points.",
        "Untrusted server certificates land in the rejected folder (see `edgerule opcua certs`)."
      },
      mixinStandardHelpOptions = true)
  static final class Browse implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateDir state = new StateDir();

    @Parameters(index = "0", paramLabel = "ENDPOINT", description = "e.g. opc.tcp://10.0.0.5:4840")
    String endpoint;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "NODE",
        description = "Start node, e.g. ns=2;s=Plant or nsu=urn:plc;i=1001 (default i=85).")
    String node;

    @Option(
        names = "--security-policy",
        paramLabel = "POLICY",
        description =
            "none, basic256sha256, aes128_sha256_rsaoaep or aes256_sha256_rsapss (default none).",
        converter = PolicyConverter.class)
    SecurityPolicyName policy;

    @Option(
        names = "--security-mode",
        paramLabel = "MODE",
        description = "none, sign or sign_and_encrypt (default: sign_and_encrypt with a policy).",
        converter = ModeConverter.class)
    SecurityMode mode;

    @ArgGroup(exclusive = false)
    UserOptions user;

    @ArgGroup(exclusive = false)
    X509Options x509;

    @Option(
        names = "--depth",
        description = "Levels to open below NODE (default ${DEFAULT-VALUE}).",
        defaultValue = "4")
    int depth;

    @Option(
        names = "--max-nodes",
        description = "Stop after this many nodes (default ${DEFAULT-VALUE}).",
        defaultValue = "2000")
    int maxNodes;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        description = "Request timeout (default ${DEFAULT-VALUE}).",
        defaultValue = "5")
    int timeoutSeconds;

    @Option(
        names = "--points",
        description = "Print the variables as a points: list to paste into a config.")
    boolean points;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Path stateDir;
      try {
        stateDir = state.resolve();
      } catch (ConfigException e) {
        err.println("edgerule: invalid config: " + e.getMessage());
        return ExitCodes.CONFIG;
      }
      OpcUaIdentity identity = OpcUaIdentity.anonymous();
      try {
        if (user != null) {
          identity = new OpcUaIdentity(null, user.username, null, user.passwordFile, null, null);
        } else if (x509 != null) {
          identity = OpcUaIdentity.x509(x509.certificate, x509.privateKey);
        }
      } catch (IllegalArgumentException e) {
        err.println("edgerule: " + e.getMessage());
        return ExitCodes.FAILURE;
      }
      OpcUaBrowser.Options options =
          OpcUaBrowser.Options.defaults()
              .withSecurity(policy, mode)
              .withIdentity(identity)
              .withLimits(depth, maxNodes)
              .withTimeout(Duration.ofSeconds(timeoutSeconds));
      BrowseNode tree;
      try {
        tree = OpcUaBrowser.browse(endpoint, node, options, stateDir);
      } catch (OpcUaBrowser.BrowseException e) {
        err.println("edgerule: " + e.getMessage());
        return ExitCodes.FAILURE;
      } catch (IOException e) {
        err.println("edgerule: cannot use the PKI folder under " + stateDir + ": " + e);
        return ExitCodes.FAILURE;
      }
      if (points) {
        printPoints(out, tree, "");
      } else {
        printTree(out, tree, "");
        out.printf("(%d nodes)%n", tree.size());
      }
      out.flush();
      return ExitCodes.OK;
    }

    static void printTree(PrintWriter out, BrowseNode n, String indent) {
      StringBuilder line = new StringBuilder(indent);
      line.append(n.displayName().isEmpty() ? n.browseName() : n.displayName());
      line.append("  ").append(n.nodeId()).append("  ").append(n.nodeClass());
      if (!n.dataType().isEmpty()) {
        line.append("  ").append(n.dataType()).append(n.array() ? "[]" : "");
        line.append(n.writable() ? "  read/write" : "  read");
      }
      if (!n.expanded() && !n.nodeClass().equals("Variable")) {
        line.append("  ...");
      }
      out.println(line);
      for (BrowseNode c : n.children()) {
        printTree(out, c, indent + "  ");
      }
    }

    /** Variables as point entries; names follow the browse path below the start node. */
    static void printPoints(PrintWriter out, BrowseNode n, String path) {
      for (BrowseNode c : n.children()) {
        String childPath =
            path.isEmpty()
                ? pointSegment(c.browseName())
                : path + "/" + pointSegment(c.browseName());
        if (c.nodeClass().equals("Variable")) {
          out.printf(
              "- {name: %s, node_id: \"%s\", type: %s%s}%n",
              childPath,
              c.nodeId(),
              c.suggestedPointType(),
              c.writable() ? ", writable: true" : "");
        } else {
          printPoints(out, c, childPath);
        }
      }
    }

    private static String pointSegment(String browseName) {
      String plain =
          browseName.contains(":") ? browseName.substring(browseName.indexOf(':') + 1) : browseName;
      String s = plain.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
      s = s.replaceAll("[^a-z0-9_.:\\-]", "_");
      return s.isEmpty() ? "_" : s;
    }
  }

  static final class UserOptions {
    @Option(names = "--user", required = true, description = "User name for the session.")
    String username;

    @Option(
        names = "--password-file",
        required = true,
        paramLabel = "FILE",
        description = "File whose first line is the password.")
    Path passwordFile;
  }

  static final class X509Options {
    @Option(
        names = "--user-cert",
        required = true,
        paramLabel = "FILE",
        description = "X.509 user certificate (DER or PEM).")
    Path certificate;

    @Option(
        names = "--user-key",
        required = true,
        paramLabel = "FILE",
        description = "Its private key (PKCS#8 PEM).")
    Path privateKey;
  }

  @Command(
      name = "trust",
      description = {
        "Trust a server certificate: a rejected one by its thumbprint (or a unique prefix of 8+",
        "hex digits), or a certificate file. A running gateway uses it at its next attempt."
      },
      mixinStandardHelpOptions = true)
  static final class Trust implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateDir state = new StateDir();

    @Parameters(paramLabel = "CERT-OR-THUMBPRINT")
    String what;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        OpcUaPki pki = OpcUaPki.open(state.resolve());
        CertificateInfo c = pki.trust(what);
        spec.commandLine().getOut().printf("trusted %s%n  (%s)%n", c.describe(), c.file());
        return ExitCodes.OK;
      } catch (ConfigException e) {
        err.println("edgerule: invalid config: " + e.getMessage());
        return ExitCodes.CONFIG;
      } catch (IllegalArgumentException e) {
        err.println("edgerule: " + e.getMessage());
        return ExitCodes.FAILURE;
      } catch (IOException e) {
        err.println("edgerule: " + e.getMessage());
        return ExitCodes.FAILURE;
      }
    }
  }

  @Command(
      name = "certs",
      description =
          "List the gateway's own OPC-UA certificate and the trusted, issuer and rejected ones.",
      mixinStandardHelpOptions = true)
  static final class Certs implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateDir state = new StateDir();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        OpcUaPki pki = OpcUaPki.open(state.resolve());
        out.printf("PKI folder %s%n", pki.root());
        CertificateInfo own = pki.ownCertificate();
        out.println("own (give this to the servers' administrators):");
        print(out, List.of(own));
        out.println("trusted:");
        print(out, pki.trusted());
        out.println("issuers:");
        print(out, pki.issuers());
        out.println("rejected (trust one with `edgerule opcua trust THUMBPRINT`):");
        print(out, pki.rejected());
        out.flush();
        return ExitCodes.OK;
      } catch (ConfigException e) {
        err.println("edgerule: invalid config: " + e.getMessage());
        return ExitCodes.CONFIG;
      } catch (IOException e) {
        err.println("edgerule: " + e.getMessage());
        return ExitCodes.FAILURE;
      }
    }

    static void print(PrintWriter out, List<CertificateInfo> certs) {
      if (certs.isEmpty()) {
        out.println("  (none)");
      }
      for (CertificateInfo c : certs) {
        out.printf("  %s  %s%n", c.thumbprint(), c.subject());
        out.printf(
            "    uri %s, valid %s .. %s%n    %s%n",
            c.applicationUri().isEmpty() ? "(none)" : c.applicationUri(),
            c.notBefore(),
            c.notAfter(),
            c.file());
      }
    }
  }

  static final class PolicyConverter
      implements picocli.CommandLine.ITypeConverter<SecurityPolicyName> {
    @Override
    public SecurityPolicyName convert(String value) {
      try {
        return SecurityPolicyName.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'"
                + value
                + "' is not one of none, basic256sha256, aes128_sha256_rsaoaep, aes256_sha256_rsapss");
      }
    }
  }

  static final class ModeConverter implements picocli.CommandLine.ITypeConverter<SecurityMode> {
    @Override
    public SecurityMode convert(String value) {
      try {
        return SecurityMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not one of none, sign, sign_and_encrypt");
      }
    }
  }
}
