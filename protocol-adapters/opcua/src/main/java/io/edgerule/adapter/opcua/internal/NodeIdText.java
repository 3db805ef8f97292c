package io.edgerule.adapter.opcua.internal;

import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
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

  /** Text longer than this is cut in messages: a pasted megabyte must not flood the log. */
  private static final int QUOTED = 200;

  private static final Pattern GUID =
      Pattern.compile(
          "\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

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
    String quoted =
        "'" + (text.length() <= QUOTED ? text : text.substring(0, QUOTED) + "...") + "'";
    if (t.startsWith("svr=") || t.startsWith("svu=")) {
      throw new IllegalArgumentException(
          quoted + " points to another server; only nodes of this server can be used");
    }
    boolean namespaced = t.startsWith("ns=") || t.startsWith("nsu=");
    // (?s): a name may hold a line break, as Milo reads it after "ns=..;" too
    if (!namespaced && !t.matches("(?s)[isgb]=.*")) {
      throw new IllegalArgumentException(quoted + " is not a NodeId: " + FORMS);
    }
    int semicolon = t.indexOf(';');
    if (t.startsWith("ns=")) {
      if (semicolon < 0 || !t.substring(3, semicolon).matches("\\d{1,5}")) {
        throw new IllegalArgumentException(
            quoted + " is not a NodeId: the namespace index must be a number; " + FORMS);
      }
      if (Integer.parseInt(t.substring(3, semicolon)) > 0xFFFF) {
        throw new IllegalArgumentException(
            quoted + " is not a NodeId: the namespace index must be 0..65535; " + FORMS);
      }
    }
    if (t.startsWith("nsu=") && semicolon < 0) {
      throw new IllegalArgumentException(
          quoted + " is not a NodeId: expected ';' after the namespace URI; " + FORMS);
    }
    if (t.startsWith("nsu=") && semicolon == 4) { // Milo takes it as a URI no server has
      throw new IllegalArgumentException(
          quoted + " is not a NodeId: the namespace URI is empty; " + FORMS);
    }
    String identifier = namespaced ? t.substring(semicolon + 1) : t;
    String wrong = wrongIdentifier(identifier);
    if (wrong != null) {
      throw new IllegalArgumentException(quoted + " is not a NodeId: " + wrong + FORMS);
    }
    try {
      ExpandedNodeId id = ExpandedNodeId.parse(t);
      if (id.getIdentifier() instanceof String s && s.isEmpty()) {
        throw new IllegalArgumentException(quoted + " has an empty name; " + FORMS);
      }
      return id;
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException
          && e.getMessage() != null
          && e.getMessage().startsWith(quoted)) {
        throw e;
      }
      // Milo's own messages ("Invalid UUID string", "Illegal base64 character") do not say where
      throw new IllegalArgumentException(quoted + " is not a NodeId: " + FORMS);
    }
  }

  /**
   * What is wrong with the identifier part ({@code i=..}, {@code g=..}, {@code b=..}) that Milo
   * would accept or refuse without saying why, or null. Milo reads {@code g=1-1-1-1-1} as a GUID
   * and {@code b=} as an empty opaque identifier; both name no node.
   */
  private static String wrongIdentifier(String identifier) {
    if (identifier.length() < 2 || identifier.charAt(1) != '=') {
      return ""; // not one of the forms
    }
    String value = identifier.substring(2);
    return switch (identifier.charAt(0)) {
      case 'i' ->
          !value.matches("\\d+")
              ? "" // not a number at all: the forms say enough
              : value.length() <= 10 && Long.parseLong(value) <= 0xFFFF_FFFFL
                  ? null
                  : "a numeric identifier is 0..4294967295; ";
      case 'g' ->
          GUID.matcher(value).matches()
              ? null
              : "a GUID is written as 72962b91-fa75-4ae6-8d28-b404dc7daf63; ";
      case 'b' -> base64(value) ? null : "an opaque identifier is non-empty base64; ";
      case 's' -> null; // checked after parsing (empty name)
      default -> "";
    };
  }

  private static boolean base64(String value) {
    try {
      return Base64.getDecoder().decode(value).length > 0;
    } catch (IllegalArgumentException e) {
      return false;
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
