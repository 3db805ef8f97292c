package io.edgerule.sim.opcua;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code edgerule sim opcua}: the OPC-UA plant simulator in the foreground until Ctrl-C. */
@Command(
    name = "opcua",
    description = {
      "Simulate a plant behind an OPC-UA server (tank, pump, production line).",
      "Offers None, Basic256Sha256, Aes128_Sha256_RsaOaep and Aes256_Sha256_RsaPss with Sign and",
      "SignAndEncrypt; users: anonymous, operator/secret, X.509. NodeIds: ns=2;s=Tank/Temperature."
    },
    mixinStandardHelpOptions = true)
public final class OpcUaSimCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      description = "TCP port (default ${DEFAULT-VALUE}; 0 picks a free one).",
      defaultValue = "4840")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).",
      defaultValue = "127.0.0.1")
  String bind;

  @Option(
      names = "--hostname",
      description = "Host name in the advertised endpoint URLs (default ${DEFAULT-VALUE}).",
      defaultValue = "localhost")
  String hostname;

  @Option(
      names = "--pki-dir",
      paramLabel = "DIR",
      description =
          "Keep the simulator's certificate in DIR/own so a gateway trusts it only once"
              + " (default: a new certificate per run).")
  Path pkiDir;

  @Option(
      names = "--trust-all-clients",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Accept every client certificate (default ${DEFAULT-VALUE}); --no-trust-all-clients"
              + " refuses untrusted ones like a real PLC.")
  boolean trustAllClients;

  @Option(
      names = "--user",
      paramLabel = "NAME=PASSWORD",
      description = "Add a username/password user (operator=secret always exists).")
  java.util.Map<String, String> users = new java.util.LinkedHashMap<>();

  @Option(names = "--no-anonymous", description = "Refuse anonymous users.", defaultValue = "false")
  boolean noAnonymous;

  @Option(
      names = "--tick",
      paramLabel = "MILLIS",
      description = "How often the plant changes, in ms (default ${DEFAULT-VALUE}).",
      defaultValue = "100")
  long tickMillis;

  @Option(
      names = "--delay",
      paramLabel = "MILLIS",
      description = "Hold every response back this long: a slow server (default 0).",
      defaultValue = "0")
  long delayMillis;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    OpcUaSimulator.Builder builder =
        OpcUaSimulator.builder()
            .port(port)
            .bindAddress(bind)
            .hostname(hostname)
            .pkiDir(pkiDir)
            .trustAllClients(trustAllClients)
            .allowAnonymous(!noAnonymous)
            .anyUserCertificate(true)
            .tick(Duration.ofMillis(Math.max(10, tickMillis)));
    users.forEach(builder::user);
    OpcUaSimulator sim = builder.start();
    sim.responseDelay(Duration.ofMillis(delayMillis));
    out.printf("OPC-UA plant simulator at %s%n", sim.endpointUrl());
    out.printf(
        "server certificate thumbprint %s (%s)%n",
        thumbprint(sim), sim.certificate().getSubjectX500Principal().getName());
    out.printf(
        "client certificates: %s%n",
        trustAllClients ? "all accepted" : "only trusted ones (the others are rejected)");
    out.printf("try: edgerule opcua browse %s%n", sim.endpointUrl());
    out.flush();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sim.close();
                  stop.countDown();
                },
                "opcua-sim-shutdown"));
    stop.await();
    return 0;
  }

  private static String thumbprint(OpcUaSimulator sim) throws Exception {
    byte[] d =
        java.security.MessageDigest.getInstance("SHA-1").digest(sim.certificate().getEncoded());
    return java.util.HexFormat.of().formatHex(d);
  }
}
