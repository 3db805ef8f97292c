package io.edgerule.adapter.opcua.internal;

import java.util.Optional;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * NodeIds as people write them: {@code ns=2;s=Tank/Temperature}, {@code i=2258}, {@code
 * ns=3;g=...}, {@code ns=1;b=...}, or with the namespace URI instead of its index, {@code
 * nsu=urn:plc:plant;s=Tank/Temperature}. The URI form survives a server that renumbers its
 * namespaces after a firmware update; it is resolved against the server's namespace table on each
 * connect.
 */
public final class NodeIdText {
  private NodeIdText() {}

  public static final String FORMS =
      "write ns=<index>;s=<name>, ns=<index>;i=<number>, ns=<index>;g=<guid>, ns=<index>;b=<base64>"
          + " or nsu=<namespace-uri>;s=<name>";

  /**
   * Parses a NodeId in one of the accepted forms.
   *
   * @throws IllegalArgumentException saying which forms are accepted
   */
  public static ExpandedNodeId parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a NodeId is required: " + FORMS);
    }
    String t = text.trim();
    if (t.startsWith("svr=") || t.startsWith("svu=")) {
      throw new IllegalArgumentException(
          "'" + text + "' points to another server; only nodes of this server can be used");
    }
    boolean namespaced = t.startsWith("ns=") || t.startsWith("nsu=");
    if (!namespaced && !t.matches("[isgb]=.*")) {
      throw new IllegalArgumentException("'" + text + "' is not a NodeId: " + FORMS);
    }
    if (t.startsWith("ns=")) {
      int semicolon = t.indexOf(';');
      if (semicolon < 0 || !t.substring(3, semicolon).matches("\\d{1,5}")) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a NodeId: the namespace index must be a number; " + FORMS);
      }
    }
    if (t.startsWith("nsu=") && t.indexOf(';') < 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a NodeId: expected ';' after the namespace URI; " + FORMS);
    }
    try {
      ExpandedNodeId id = ExpandedNodeId.parse(t);
      if (id.getIdentifier() instanceof String s && s.isEmpty()) {
        throw new IllegalArgumentException("'" + text + "' has an empty name; " + FORMS);
      }
      return id;
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalArgumentException("'" + text + "' is not a NodeId: " + FORMS);
    }
  }

  /**
   * Resolves a parsed id against the server's namespace table: empty when the server does not know
   * the namespace URI.
   */
  public static Optional<NodeId> resolve(ExpandedNodeId id, NamespaceTable namespaces) {
    return id.toNodeId(namespaces);
  }

  /** The canonical text of a NodeId ({@code ns=2;s=Tank/Temperature}, {@code i=85}). */
  public static String format(NodeId id) {
    return id.toParseableString();
  }
}
