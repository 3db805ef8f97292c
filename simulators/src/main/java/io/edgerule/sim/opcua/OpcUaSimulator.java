package io.edgerule.sim.opcua;

import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS;
import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME;
import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_X509;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.X509IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.core.types.structured.Range;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated plant behind an Eclipse Milo OPC-UA server (see {@link PlantNamespace} for the
 * address space), with its own certificate, every security policy the gateway supports, anonymous,
 * username/password and X.509 users, and knobs for tests: a response delay (a slow server), a
 * restart on the same port, and Publish responses repeated or swapped (a notification delivered
 * twice, see {@link PublishFaults}).
 *
 * <pre>{@code
 * try (OpcUaSimulator sim = OpcUaSimulator.builder().trustAllClients(true).start()) {
 *   String url = sim.endpointUrl();            // opc.tcp://localhost:<free port>/plant
 *   sim.responseDelay(Duration.ofSeconds(3));  // slow
 *   sim.restart();                             // same port, clients must reconnect
 * }
 * }</pre>
 *
 * Threads: one Netty event loop, a scheduler and a worker pool of its own, all stopped by {@link
 * #close()}. Milo's server still uses its static shared wheel timer while opening secure channels
 * (not injectable in 1.1.2).
 */
public final class OpcUaSimulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpcUaSimulator.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** Policies offered, each with Sign and SignAndEncrypt (None only with None). */
  public static final List<SecurityPolicy> POLICIES =
      List.of(
          SecurityPolicy.None,
          SecurityPolicy.Basic256Sha256,
          SecurityPolicy.Aes128_Sha256_RsaOaep,
          SecurityPolicy.Aes256_Sha256_RsaPss);

  private final Builder options;
  private final SimCertificate certificate;
  private final MemoryTrustListManager trustList = new MemoryTrustListManager();
  private final MemoryCertificateQuarantine rejected = new MemoryCertificateQuarantine();
  private final List<X509Certificate> userCertificates = new CopyOnWriteArrayList<>();
  private final PlantModel model = new PlantModel();
  private final EventLoopGroup eventLoop;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService workers;
  private final int port;
  private volatile long delayMillis;
  private OpcUaServer server;
  private PlantNamespace namespace;
  private PublishFaults publishFaults;
  private ScheduledFuture<?> ticker;
  private boolean closed;

  private OpcUaSimulator(Builder options) throws IOException {
    ensureBouncyCastle();
    this.options = options;
    this.certificate =
        SimCertificate.loadOrCreate(
            options.pkiDir == null ? null : options.pkiDir.resolve("own"), options.hostname);
    this.port = options.port == 0 ? freePort(options.bindAddress) : options.port;
    int n = INSTANCES.incrementAndGet();
    this.eventLoop = new NioEventLoopGroup(1, named("opcua-sim-" + n + "-io"));
    this.scheduler = Executors.newScheduledThreadPool(2, named("opcua-sim-" + n + "-timer"));
    this.workers = Executors.newCachedThreadPool(named("opcua-sim-" + n + "-worker"));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options; {@link #start()} builds and starts in one line. */
  public static final class Builder {
    private int port;
    private String bindAddress = "127.0.0.1";
    private String hostname = "localhost";
    private Path pkiDir;
    private boolean trustAllClients;
    private boolean allowAnonymous = true;
    private final Map<String, String> users = new LinkedHashMap<>(Map.of("operator", "secret"));
    private boolean anyUserCertificate;
    private Duration tick = Duration.ofMillis(100);

    private Builder() {}

    /** TCP port; 0 (the default) picks a free one, kept across restarts. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Address to listen on (default 127.0.0.1; 0.0.0.0 for all interfaces). */
    public Builder bindAddress(String bindAddress) {
      this.bindAddress = bindAddress;
      return this;
    }

    /** Host name in the endpoint URLs the server advertises (default localhost). */
    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    /** Keep the simulator's certificate here (own/sim-cert.der) instead of a new one per run. */
    public Builder pkiDir(Path pkiDir) {
      this.pkiDir = pkiDir;
      return this;
    }

    /** Accept every client certificate (default false: untrusted clients are rejected). */
    public Builder trustAllClients(boolean trustAllClients) {
      this.trustAllClients = trustAllClients;
      return this;
    }

    public Builder allowAnonymous(boolean allowAnonymous) {
      this.allowAnonymous = allowAnonymous;
      return this;
    }

    /** Adds a username/password user (the default user is operator/secret). */
    public Builder user(String username, String password) {
      users.put(username, password);
      return this;
    }

    /** Accept any X.509 user certificate (default: only those allowed with a call). */
    public Builder anyUserCertificate(boolean anyUserCertificate) {
      this.anyUserCertificate = anyUserCertificate;
      return this;
    }

    /** How often the plant changes (default 100 ms). */
    public Builder tick(Duration tick) {
      this.tick = tick;
      return this;
    }

    public OpcUaSimulator build() throws IOException {
      return new OpcUaSimulator(this);
    }

    /**
     * Builds and starts the simulator. A port picked by the simulator (none given) can be taken by
     * another process between the probe and the server's bind ("No endpoints bound", seen with
     * parallel builds): then it tries again on a newly picked port, up to three times.
     */
    public OpcUaSimulator start() throws IOException {
      int attempts = port == 0 ? 3 : 1;
      for (int attempt = 1; ; attempt++) {
        OpcUaSimulator sim = build();
        try {
          sim.start();
          return sim;
        } catch (IOException | RuntimeException e) {
          sim.close();
          if (attempt >= attempts) {
            throw e;
          }
          log.warn("OPC-UA simulator: {}; trying another port", e.getMessage());
        }
      }
    }
  }

  /** Starts the server (again, after {@link #stop()}) on the same port. */
  public synchronized void start() throws IOException {
    if (closed) {
      throw new IllegalStateException("the simulator was closed");
    }
    if (server != null) {
      return;
    }
    OpcUaServer s;
    try {
      s = new OpcUaServer(serverConfig(), profile -> transport());
    } catch (Exception e) {
      throw new IOException("cannot configure the OPC-UA simulator: " + e, e);
    }
    PublishFaults faults = new PublishFaults(s, scheduler);
    s.addServiceSet("/plant", faults);
    PlantNamespace ns = new PlantNamespace(s);
    ns.startup();
    try {
      s.startup().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      ns.shutdown();
      s.shutdown();
      throw new IOException(
          "cannot start the OPC-UA simulator on " + options.bindAddress + ":" + port + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting", e);
    }
    server = s;
    namespace = ns;
    publishFaults = faults;
    publish();
    long tickMillis = options.tick.toMillis();
    ticker =
        scheduler.scheduleAtFixedRate(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    log.info("OPC-UA plant simulator listening at {}", endpointUrl());
  }

  /** Stops the server (clients see the connection close); {@link #start()} brings it back. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    ticker.cancel(false);
    readSetpoints();
    namespace.shutdown();
    server.shutdown();
    server = null;
    namespace = null;
    publishFaults = null;
    log.info("OPC-UA plant simulator stopped");
  }

  /** Stop and start on the same port: a PLC that restarts. */
  public synchronized void restart() throws IOException {
    stop();
    start();
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** {@code opc.tcp://<hostname>:<port>/plant}. */
  public String endpointUrl() {
    return "opc.tcp://" + options.hostname + ":" + port + "/plant";
  }

  public int port() {
    return port;
  }

  public String applicationUri() {
    return SimCertificate.APPLICATION_URI;
  }

  /** The server's application instance certificate. */
  public X509Certificate certificate() {
    return certificate.certificate();
  }

  public String certificatePem() {
    return certificate.pem();
  }

  /** Holds every response back by {@code delay} (zero to answer at once again). */
  public void responseDelay(Duration delay) {
    this.delayMillis = delay.toMillis();
  }

  /**
   * The next {@code times} Publish requests are each answered at once with a copy of the last data
   * response (same sequence number, same values): a server that delivers a notification twice.
   */
  public synchronized void repeatPublishResponses(int times) {
    running().repeat(times);
  }

  /**
   * The next {@code pairs} pairs of data responses go out in swapped order: the client sees a gap
   * in the sequence numbers, calls Republish for the missing message, then receives it again.
   */
  public synchronized void swapPublishResponses(int pairs) {
    running().swap(pairs);
  }

  /** Republish requests served since the last start. */
  public synchronized long republishRequests() {
    return publishFaults == null ? 0 : publishFaults.republishRequests();
  }

  private PublishFaults running() {
    if (publishFaults == null) {
      throw new IllegalStateException("the simulator is stopped");
    }
    return publishFaults;
  }

  /** Client certificates the server refused because they were not trusted (each once). */
  public List<X509Certificate> rejectedClientCertificates() {
    return List.copyOf(new LinkedHashSet<>(rejected.getRejectedCertificates()));
  }

  /** Trusts a client certificate from the next connection on. */
  public void trustClientCertificate(X509Certificate certificate) {
    trustList.addTrustedCertificate(certificate);
    rejected.removeRejectedCertificate(certificate);
  }

  /** Trusts every client certificate rejected so far ("accept" in a server's GUI). */
  public void trustRejectedClientCertificates() {
    for (X509Certificate c : rejectedClientCertificates()) {
      trustClientCertificate(c);
    }
  }

  /** Lets a user authenticate with this X.509 certificate. */
  public void allowUserCertificate(X509Certificate certificate) {
    userCertificates.add(certificate);
  }

  /** The current value of a variable, e.g. {@code read("Pump/Command")}; null while stopped. */
  public synchronized Object read(String path) {
    UaVariableNode node = node(path);
    return node == null ? null : node.getValue().value().value();
  }

  /**
   * Sets a variable as if the process (or an operator on the PLC) changed it, e.g. {@code
   * write("Tank/Level", 85.0f)} or {@code write("Tank/TemperatureSetpoint", 80.0)}. Process values
   * (Tank/Level, Tank/Temperature, Line/Counter) are set in the plant model, which goes on from
   * there. The value must have the node's Java type (Double, Float, Boolean, UShort, Integer,
   * String).
   */
  public synchronized void write(String path, Object value) {
    UaVariableNode node = node(path);
    if (node == null) {
      throw new IllegalArgumentException("no variable " + path + " (or the simulator is stopped)");
    }
    switch (path) {
      case "Tank/Level" -> model.level = ((Number) value).floatValue();
      case "Tank/Temperature" -> model.temperature = ((Number) value).doubleValue();
      case "Line/Counter" -> model.lineCounter = ((Number) value).intValue();
      default -> {
        // setpoints and the rest: the node holds the value
      }
    }
    node.setValue(new DataValue(new Variant(value), StatusCode.GOOD, DateTime.now()));
  }

  private UaVariableNode node(String path) {
    return namespace == null ? null : namespace.nodes().get(path);
  }

  private synchronized void tick() {
    if (namespace == null) {
      return;
    }
    try {
      readSetpoints();
      model.tick(options.tick.toMillis() / 1000.0);
      publish();
    } catch (RuntimeException e) {
      log.warn("simulator tick failed", e);
    }
  }

  /** Client writes land in the setpoint nodes; the model takes them from there. */
  private void readSetpoints() {
    Object v = read("Tank/TemperatureSetpoint");
    if (v instanceof Double d) {
      model.temperatureSetpoint = d;
    }
    if (read("Pump/Command") instanceof Boolean b) {
      model.pumpCommand = b;
    }
    if (read("Pump/SpeedSetpoint") instanceof UShort u) {
      model.speedSetpoint = u.intValue();
    }
    if (read("Line/BatchName") instanceof String s) {
      model.batchName = s;
    }
    if (read("Tank/Limits") instanceof ExtensionObject xo) {
      try {
        Object decoded = xo.decode(server.getStaticEncodingContext());
        if (decoded instanceof Range r) {
          model.limitLow = r.getLow();
          model.limitHigh = r.getHigh();
        }
      } catch (RuntimeException e) {
        log.debug("Tank/Limits: {}", e.toString());
      }
    }
  }

  /** Copies the model into the nodes: setpoints first (after a restart), then process values. */
  private void publish() {
    DateTime now = DateTime.now();
    setIfChanged("Tank/TemperatureSetpoint", model.temperatureSetpoint, now);
    setIfChanged("Pump/Command", model.pumpCommand, now);
    setIfChanged("Pump/SpeedSetpoint", ushort(model.speedSetpoint), now);
    setIfChanged("Line/BatchName", model.batchName, now);
    setIfChanged(
        "Tank/Limits",
        ExtensionObject.encode(
            server.getStaticEncodingContext(), new Range(model.limitLow, model.limitHigh)),
        now);
    setIfChanged("Tank/Temperature", model.temperatureReading(), now);
    setIfChanged("Tank/Level", model.level, now);
    setIfChanged("Tank/HighLevel", model.highLevel(), now);
    double[] p = model.temperatureProfile;
    setIfChanged("Tank/TemperatureProfile", new Double[] {p[0], p[1], p[2], p[3], p[4]}, now);
    setIfChanged("Pump/Running", model.pumpRunning, now);
    setIfChanged("Pump/Speed", ushort(model.pumpSpeed), now);
    setIfChanged("Pump/Starts", model.pumpStarts, now);
    setIfChanged("Line/Counter", model.lineCounter, now);
    setIfChanged("Line/State", model.lineState(), now);
  }

  /** A new value gets a new source timestamp; an unchanged one keeps its old timestamp. */
  private void setIfChanged(String path, Object value, DateTime now) {
    UaVariableNode node = node(path);
    if (node == null) {
      return;
    }
    Variant v = new Variant(value);
    DataValue current = node.getValue();
    if (current != null && current.statusCode().isGood() && v.equals(current.value())) {
      return;
    }
    node.setValue(new DataValue(v, StatusCode.GOOD, now));
  }

  private OpcUaServerConfig serverConfig() throws Exception {
    var certificateStore = new MemoryCertificateStore();
    var factory =
        new RsaSha256CertificateFactory() {
          @Override
          protected KeyPair createRsaSha256KeyPair() {
            return certificate.keyPair();
          }

          @Override
          protected X509Certificate[] createRsaSha256CertificateChain(KeyPair keyPair) {
            return new X509Certificate[] {certificate.certificate()};
          }
        };
    CertificateValidator validator =
        new ClientCertificateValidator(
            new DefaultServerCertificateValidator(trustList, rejected),
            trustList,
            options.trustAllClients);
    var group =
        DefaultApplicationGroup.createAndInitialize(
            trustList, certificateStore, factory, validator);
    var certificateManager = new DefaultCertificateManager(rejected, group);

    List<IdentityValidator> identities = new ArrayList<>();
    if (options.allowAnonymous) {
      identities.add(AnonymousIdentityValidator.INSTANCE);
    }
    Map<String, String> users = Map.copyOf(options.users);
    identities.add(
        new UsernameIdentityValidator(
            c -> c.getPassword() != null && c.getPassword().equals(users.get(c.getUsername()))));
    identities.add(
        new X509IdentityValidator(c -> options.anyUserCertificate || userCertificates.contains(c)));

    return OpcUaServerConfig.builder()
        .setApplicationUri(SimCertificate.APPLICATION_URI)
        .setApplicationName(LocalizedText.english("edgerule OPC-UA plant simulator"))
        .setProductUri("urn:edgerule:sim")
        .setBuildInfo(
            new BuildInfo(
                "urn:edgerule:sim",
                "edgerule",
                "edgerule OPC-UA plant simulator",
                OpcUaServer.SDK_VERSION,
                "",
                DateTime.now()))
        .setCertificateManager(certificateManager)
        .setIdentityValidator(new CompositeValidator(identities))
        .setEndpoints(endpoints())
        .setExecutor(workers)
        .setScheduledExecutor(scheduler)
        .build();
  }

  private Set<EndpointConfig> endpoints() {
    List<UserTokenPolicy> tokens = new ArrayList<>();
    if (options.allowAnonymous) {
      tokens.add(USER_TOKEN_POLICY_ANONYMOUS);
    }
    tokens.add(USER_TOKEN_POLICY_USERNAME);
    tokens.add(USER_TOKEN_POLICY_X509);
    EndpointConfig.Builder base =
        EndpointConfig.newBuilder()
            .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
            .setBindAddress(options.bindAddress)
            .setBindPort(port)
            .setHostname(options.hostname)
            .setPath("/plant")
            .setCertificate(certificate.certificate())
            .addTokenPolicies(tokens.toArray(new UserTokenPolicy[0]));
    Set<EndpointConfig> out = new LinkedHashSet<>();
    for (SecurityPolicy policy : POLICIES) {
      if (policy == SecurityPolicy.None) {
        out.add(
            base.copy()
                .setSecurityPolicy(policy)
                .setSecurityMode(MessageSecurityMode.None)
                .build());
      } else {
        for (MessageSecurityMode mode :
            List.of(MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt)) {
          out.add(base.copy().setSecurityPolicy(policy).setSecurityMode(mode).build());
        }
      }
    }
    return out;
  }

  private OpcTcpServerTransport transport() {
    return new OpcTcpServerTransport(
        OpcTcpServerTransportConfig.newBuilder()
            .setExecutor(workers)
            .setEventLoop(eventLoop)
            .setChannelPipelineCustomizer(
                pipeline ->
                    pipeline.addFirst("sim-response-delay", new ResponseDelay(() -> delayMillis)))
            .build());
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      stop();
      closed = true;
    }
    scheduler.shutdownNow();
    workers.shutdownNow();
    eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }

  private static int freePort(String bindAddress) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(bindAddress, 0));
      return s.getLocalPort();
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  static void ensureBouncyCastle() {
    synchronized (Security.class) {
      if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
        Security.addProvider(new BouncyCastleProvider());
      }
    }
  }
}
