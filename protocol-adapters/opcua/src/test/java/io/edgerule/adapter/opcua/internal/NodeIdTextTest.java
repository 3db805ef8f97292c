package io.edgerule.adapter.opcua.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.junit.jupiter.api.Test;

class NodeIdTextTest {
  @Test
  void acceptsTheUsualForms() {
    assertEquals(new NodeId(2, "Tank/Temperature"), local("ns=2;s=Tank/Temperature"));
    assertEquals(new NodeId(0, 2258), local("i=2258"));
    assertEquals(new NodeId(3, 1001), local("ns=3;i=1001"));
    assertEquals(
        new NodeId(1, java.util.UUID.fromString("72962b91-fa75-4ae6-8d28-b404dc7daf63")),
        local("ns=1;g=72962b91-fa75-4ae6-8d28-b404dc7daf63"));
    assertEquals("ns=2;s=a;b", NodeIdText.format(local("ns=2;s=a;b")));
  }

  @Test
  void namespaceUrisResolveAgainstTheServersTable() {
    ExpandedNodeId id = NodeIdText.parse("nsu=urn:plc:plant;s=Tank/Level");
    NamespaceTable table = new NamespaceTable();
    assertTrue(NodeIdText.resolve(id, table).isEmpty(), "unknown URI");
    table.add("urn:other");
    table.add("urn:plc:plant");
    assertEquals(new NodeId(2, "Tank/Level"), NodeIdText.resolve(id, table).orElseThrow());
  }

  @Test
  void mistakesAreExplained() {
    assertEquals(
        "'Tank/Temperature' is not a NodeId: " + NodeIdText.FORMS, error("Tank/Temperature"));
    assertEquals(
        "'ns=x;s=Tank' is not a NodeId: the namespace index must be a number; " + NodeIdText.FORMS,
        error("ns=x;s=Tank"));
    assertEquals("'ns=2;s=' has an empty name; " + NodeIdText.FORMS, error("ns=2;s="));
    assertEquals("'ns=2;i=abc' is not a NodeId: " + NodeIdText.FORMS, error("ns=2;i=abc"));
    assertEquals(
        "'svr=1;ns=2;s=x' points to another server; only nodes of this server can be used",
        error("svr=1;ns=2;s=x"));
    assertEquals("a NodeId is required: " + NodeIdText.FORMS, error(" "));
  }

  static NodeId local(String text) {
    return NodeIdText.parse(text).toNodeId(new NamespaceTable()).orElseThrow();
  }

  static String error(String text) {
    return assertThrows(IllegalArgumentException.class, () -> NodeIdText.parse(text)).getMessage();
  }
}
