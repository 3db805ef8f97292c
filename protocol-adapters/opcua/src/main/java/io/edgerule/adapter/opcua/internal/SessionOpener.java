package io.edgerule.adapter.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.edgerule.adapter.opcua.OpcUaDeviceConfig;
import io.edgerule.adapter.opcua.SecurityPolicyName;
import io.edgerule.adapter.opcua.internal.Connection.ConnectException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.typetree.DataTypeTreeFactory;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransport;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfig;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfigBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the OPC-UA session of a {@link Connection}: endpoint discovery, the configured endpoint and
 * identity, the gateway's certificate and the timeouts, and a failure put in words for the operator
 * (the certificate or the user refused, or why the server could not be reached).
 */
final class SessionOpener {
  private static final Logger log = LoggerFactory.getLogger(SessionOpener.class);

  private SessionOpener() {}

  /**
   * Discovers the server's endpoints, selects the configured one and opens a session: the client,
   * connected. Blocks for at most a few request timeouts.
   *
   * @throws ConnectException with a sentence that says what is wrong and what to do
   */
  static OpcUaClient open(
      OpcUaDeviceConfig config,
      ApplicationCertificate own,
      ServerCertificateValidator validator,
      MiloResources resources)
      throws ConnectException, InterruptedException {
    String where = config.host() + ":" + config.port();
    Duration timeout = config.requestTimeout();
    List<EndpointDescription> endpoints = discover(config, resources);
    EndpointDescription endpoint;
    try {
      endpoint =
          Endpoints.select(
              endpoints, config.securityPolicy(), config.securityMode(), config.identity().type());
    } catch (Endpoints.NoMatchingEndpoint e) {
      throw new ConnectException(e.getMessage());
    }
    endpoint = Endpoints.withAddress(endpoint, config.host(), config.port());

    IdentityProvider identity;
    try {
      identity = Identities.provider(config.identity(), validator);
    } catch (Identities.IdentityFileException e) {
      throw new ConnectException(e.getMessage());
    }

    long keepAlive = Math.max(1000, Math.min(5000, timeout.toMillis()));
    OpcUaClientConfig clientConfig =
        OpcUaClientConfig.builder()
            .setEndpoint(endpoint)
            .setApplicationName(LocalizedText.english("edgerule gateway"))
            .setApplicationUri(own.applicationUri())
            .setProductUri("urn:edgerule:gateway")
            .setKeyPair(own.keyPair())
            .setCertificate(own.certificate())
            .setCertificateChain(new X509Certificate[] {own.certificate()})
            .setCertificateValidator(validator)
            .setIdentityProvider(identity)
            .setSessionName(() -> "edgerule " + config.name())
            .setRequestTimeout(uint(timeout.toMillis()))
            .setKeepAliveInterval(uint(keepAlive))
            .setKeepAliveTimeout(uint(timeout.toMillis()))
            .setKeepAliveFailuresAllowed(uint(1))
            .build();
    OpcTcpClientTransportConfigBuilder transport = OpcTcpClientTransportConfig.newBuilder();
    resources.configure(transport, timeout);
    OpcUaClient client =
        new OpcUaClient(clientConfig, new OpcTcpClientTransport(transport.build()));
    // Non-builtin DataTypes are looked up only when a write needs one, not browsed at connect.
    client.setDataTypeTreeFactory(DataTypeTreeFactory.lazy());

    validator.clearLastProblem();
    try {
      client.connectAsync().get(4 * timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      disconnectQuietly(client);
      throw new ConnectException(connectProblem(e, config, own, validator, where));
    } catch (InterruptedException e) {
      disconnectQuietly(client);
      throw e;
    }
    return client;
  }

  private static List<EndpointDescription> discover(
      OpcUaDeviceConfig config, MiloResources resources)
      throws ConnectException, InterruptedException {
    String where = config.host() + ":" + config.port();
    EndpointDescription discoveryEndpoint =
        new EndpointDescription(
            config.endpoint(),
            null,
            null,
            MessageSecurityMode.None,
            SecurityPolicyName.NONE.uri(),
            null,
            Stack.TCP_UASC_UABINARY_TRANSPORT_URI,
            org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte(0));
    OpcTcpClientTransportConfigBuilder builder = OpcTcpClientTransportConfig.newBuilder();
    resources.configure(builder, config.requestTimeout());
    OpcTcpClientTransport transport = new OpcTcpClientTransport(builder.build());
    DiscoveryClient discovery = new DiscoveryClient(discoveryEndpoint, transport);
    try {
      return discovery
          .connectAsync()
          .thenCompose(c -> c.getEndpoints(config.endpoint(), new String[0], new String[0]))
          .thenApply(
              r ->
                  r.getEndpoints() == null
                      ? List.<EndpointDescription>of()
                      : List.of(r.getEndpoints()))
          .get(2 * config.requestTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new ConnectException(
          "cannot get the endpoint list: "
              + Errors.describe(e, where, config.requestTimeout().toMillis()));
    } finally {
      try {
        discovery.disconnectAsync().get(1, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        log.debug("discovery disconnect: {}", e.toString());
      }
    }
  }

  private static String connectProblem(
      Exception e,
      OpcUaDeviceConfig config,
      ApplicationCertificate own,
      ServerCertificateValidator validator,
      String where) {
    String ours = validator.lastProblem();
    if (ours != null) {
      return ours;
    }
    long status = Errors.status(e).orElse(0L);
    if (status == StatusCodes.Bad_SecurityChecksFailed
        || status == StatusCodes.Bad_CertificateUntrusted
        || status == StatusCodes.Bad_CertificateInvalid
        || status == StatusCodes.Bad_CertificateUriInvalid
        || status == StatusCodes.Bad_CertificateUseNotAllowed) {
      return "the server refused the gateway's certificate ("
          + Errors.statusName(status)
          + "): it probably does not trust it yet. Trust "
          + own.info().describe()
          + " on the server (the file is "
          + own.certificateFile()
          + ")";
    }
    if (status == StatusCodes.Bad_IdentityTokenRejected
        || status == StatusCodes.Bad_IdentityTokenInvalid
        || status == StatusCodes.Bad_UserAccessDenied
        || status == StatusCodes.Bad_UserSignatureInvalid) {
      return "the server refused the user identity ("
          + config.identity()
          + "): "
          + Errors.describeStatus(status);
    }
    return "cannot open a session: "
        + Errors.describe(e, where, config.requestTimeout().toMillis());
  }

  /** Closes the session of a client, best effort, waiting at most 2 s. */
  static void disconnectQuietly(OpcUaClient client) {
    try {
      client.disconnectAsync().get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.debug("disconnect: {}", e.toString());
    }
  }
}
