package io.edgerule.adapter.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.sim.opcua.OpcUaSimulator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The browse API the CLI uses, against the plant simulator. */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // a net for a hang, not a speed check
class OpcUaBrowserIT {
  static OpcUaSimulator sim;
  static TestContext ctx;

  @BeforeAll
  static void start() throws Exception {
    sim = OpcUaSimulator.builder().trustAllClients(true).start();
    ctx = new TestContext();
  }

  @AfterAll
  static void stop() throws Exception {
    sim.close();
    ctx.close();
  }

  static Optional<BrowseNode> find(BrowseNode tree, String nodeId) {
    if (tree.nodeId().equals(nodeId)) {
      return Optional.of(tree);
    }
    for (BrowseNode c : tree.children()) {
      Optional<BrowseNode> f = find(c, nodeId);
      if (f.isPresent()) {
        return f;
      }
    }
    return Optional.empty();
  }

  @Test
  void fromTheObjectsFolderDownToTheVariables() throws Exception {
    BrowseNode tree =
        OpcUaBrowser.browse(
            sim.endpointUrl(), null, OpcUaBrowser.Options.defaults(), ctx.stateDirectory);
    assertEquals("i=85", tree.nodeId());
    assertEquals("Objects", tree.browseName());

    BrowseNode temperature = find(tree, "ns=2;s=Tank/Temperature").orElseThrow();
    assertEquals("Variable", temperature.nodeClass());
    assertEquals("Double", temperature.dataType());
    assertEquals("2:Temperature", temperature.browseName());
    assertFalse(temperature.writable());
    assertTrue(
        temperature.children().stream().anyMatch(c -> c.browseName().equals("EURange")),
        "properties of the analog item are listed: " + temperature.children());

    BrowseNode setpoint = find(tree, "ns=2;s=Pump/SpeedSetpoint").orElseThrow();
    assertEquals("UInt16", setpoint.dataType());
    assertTrue(setpoint.writable());
    assertEquals("Range", find(tree, "ns=2;s=Tank/Limits").orElseThrow().dataType());
    assertEquals("Object", find(tree, "ns=2;s=Pump").orElseThrow().nodeClass());

    // the server's own (ns=0) objects are listed, not opened
    BrowseNode server = find(tree, "i=2253").orElseThrow();
    assertTrue(server.children().isEmpty());
    assertFalse(server.expanded());
  }

  @Test
  void fromAGivenNodeWithLimits() throws Exception {
    BrowseNode pump =
        OpcUaBrowser.browse(
            sim.endpointUrl(),
            "nsu=urn:edgerule:sim:plant;s=Pump",
            OpcUaBrowser.Options.defaults().withLimits(1, 100),
            ctx.stateDirectory);
    List<String> names = pump.children().stream().map(BrowseNode::browseName).toList();
    assertEquals(
        List.of("2:Command", "2:Running", "2:SpeedSetpoint", "2:Speed", "2:Starts"), names);

    BrowseNode cut =
        OpcUaBrowser.browse(
            sim.endpointUrl(),
            "ns=2;s=Pump",
            OpcUaBrowser.Options.defaults().withLimits(3, 3),
            ctx.stateDirectory);
    assertEquals(3, cut.size());
    assertFalse(cut.expanded(), "the node limit stopped the walk here");
  }

  @Test
  void problemsAreSentences() throws Exception {
    var unknown =
        assertThrows(
            OpcUaBrowser.BrowseException.class,
            () ->
                OpcUaBrowser.browse(
                    sim.endpointUrl(),
                    "ns=2;s=Nope",
                    OpcUaBrowser.Options.defaults(),
                    ctx.stateDirectory));
    assertEquals("the server has no node ns=2;s=Nope", unknown.getMessage());

    var untrusted =
        assertThrows(
            OpcUaBrowser.BrowseException.class,
            () ->
                OpcUaBrowser.browse(
                    sim.endpointUrl(),
                    null,
                    OpcUaBrowser.Options.defaults()
                        .withSecurity(
                            SecurityPolicyName.BASIC256SHA256, SecurityMode.SIGN_AND_ENCRYPT),
                    ctx.stateDirectory));
    assertTrue(
        untrusted.getMessage().startsWith("server certificate not trusted: CN=edgerule OPC-UA"),
        untrusted.getMessage());
    assertEquals(1, ctx.pki().rejected().size());

    var badNode =
        assertThrows(
            OpcUaBrowser.BrowseException.class,
            () ->
                OpcUaBrowser.browse(
                    sim.endpointUrl(),
                    "Pump",
                    OpcUaBrowser.Options.defaults(),
                    ctx.stateDirectory));
    assertTrue(
        badNode.getMessage().startsWith("node: 'Pump' is not a NodeId"), badNode.getMessage());
  }
}
