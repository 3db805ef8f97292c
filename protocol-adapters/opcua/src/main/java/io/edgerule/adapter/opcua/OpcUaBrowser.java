package io.edgerule.adapter.opcua;

import io.edgerule.adapter.opcua.internal.Connection;
import io.edgerule.adapter.opcua.internal.MiloResources;
import io.edgerule.adapter.opcua.internal.NodeIdText;
import io.edgerule.adapter.opcua.internal.TreeWalker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * Lists a server's address space, to help write the {@code points:} of a config. Used by {@code
 * edgerule opcua browse}; connects with the same security, PKI folder and error messages as the
 * adapter (an untrusted server certificate lands in {@code rejected/} here too).
 *
 * <pre>{@code
 * OpcUaBrowser.Options o = OpcUaBrowser.Options.defaults()
 *     .withSecurity(SecurityPolicyName.BASIC256SHA256, SecurityMode.SIGN_AND_ENCRYPT);
 * BrowseNode tree = OpcUaBrowser.browse("opc.tcp://10.0.0.5:4840", "ns=2;s=Plant", o, stateDir);
 * }</pre>
 */
public final class OpcUaBrowser {
  private OpcUaBrowser() {}

  /** The Objects folder, where browsing starts when no node is given. */
  public static final String OBJECTS_FOLDER = "i=85";

  /**
   * How to connect and how far to go.
   *
   * @param maxDepth levels below the start node to open (default 4)
   * @param maxNodes stop after this many nodes (default 2000)
   */
  public record Options(
      SecurityPolicyName policy,
      SecurityMode mode,
      OpcUaIdentity identity,
      Duration timeout,
      int maxDepth,
      int maxNodes) {
    public Options {
      if (policy == null) {
        policy = SecurityPolicyName.NONE;
      }
      if (mode == null) {
        mode =
            policy == SecurityPolicyName.NONE ? SecurityMode.NONE : SecurityMode.SIGN_AND_ENCRYPT;
      }
      identity = identity == null ? OpcUaIdentity.anonymous() : identity;
      timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
      if (maxDepth < 0 || maxNodes < 1) {
        throw new IllegalArgumentException("depth must be >= 0 and the node limit >= 1");
      }
    }

    public static Options defaults() {
      return new Options(null, null, null, null, 4, 2000);
    }

    public Options withSecurity(SecurityPolicyName policy, SecurityMode mode) {
      return new Options(policy, mode, identity, timeout, maxDepth, maxNodes);
    }

    public Options withIdentity(OpcUaIdentity identity) {
      return new Options(policy, mode, identity, timeout, maxDepth, maxNodes);
    }

    public Options withLimits(int maxDepth, int maxNodes) {
      return new Options(policy, mode, identity, timeout, maxDepth, maxNodes);
    }

    public Options withTimeout(Duration timeout) {
      return new Options(policy, mode, identity, timeout, maxDepth, maxNodes);
    }
  }

  /** The browse could not be done; the message says why in plain words. */
  public static final class BrowseException extends Exception {
    public BrowseException(String message) {
      super(message);
    }
  }

  /**
   * Connects, walks the tree below {@code nodeId} (the Objects folder when null) and disconnects.
   * Nodes of the OPC-UA namespace (ns=0) below the start are listed but not opened: the server's
   * own diagnostics are large and rarely what a config needs; browse them by their NodeId.
   *
   * @param stateDirectory the gateway's state directory (for the PKI folder under opcua/pki)
   */
  public static BrowseNode browse(
      String endpoint, String nodeId, Options options, Path stateDirectory)
      throws BrowseException, IOException, InterruptedException {
    ExpandedNodeId start;
    try {
      start = NodeIdText.parse(nodeId == null ? OBJECTS_FOLDER : nodeId);
    } catch (IllegalArgumentException e) {
      throw new BrowseException("node: " + e.getMessage());
    }
    OpcUaDeviceConfig device;
    try {
      device =
          new OpcUaDeviceConfig(
              "browse",
              endpoint,
              options.policy(),
              options.mode(),
              options.identity(),
              null,
              options.timeout(),
              null,
              List.of());
    } catch (IllegalArgumentException e) {
      throw new BrowseException(e.getMessage());
    }
    OpcUaPki pki = OpcUaPki.open(stateDirectory);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(named("timer"));
    MiloResources resources = new MiloResources(named("io"), scheduler).retain();
    try (Connection connection =
        Connection.open(
            device,
            pki.applicationCertificate(),
            pki.serverCertificateValidator(),
            resources,
            Connection.Events.IGNORE)) {
      NodeId root =
          NodeIdText.resolve(start, connection.client().getNamespaceTable())
              .orElseThrow(
                  () ->
                      new BrowseException(
                          "the server has no namespace " + start.getNamespaceUri()));
      return new TreeWalker(connection.client(), options.maxDepth(), options.maxNodes()).walk(root);
    } catch (Connection.ConnectException e) {
      throw new BrowseException(e.getMessage());
    } catch (TreeWalker.WalkException e) {
      throw new BrowseException(e.getMessage());
    } finally {
      resources.release();
      scheduler.shutdownNow();
    }
  }

  private static ThreadFactory named(String what) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "opcua-browse-" + what + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
