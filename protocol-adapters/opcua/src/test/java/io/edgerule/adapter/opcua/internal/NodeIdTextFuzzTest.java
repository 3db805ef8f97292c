package io.edgerule.adapter.opcua.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.junit.jupiter.api.Test;

/**
 * NodeId text as people and pasted configs write it, assembled from hostile pieces: huge and
 * negative namespace indexes, bad GUIDs and base64, empty identifiers, unicode, control characters.
 * A parse gives a NodeId that formats back to itself, or an IllegalArgumentException that quotes
 * the text and says which forms are accepted.
 */
class NodeIdTextFuzzTest {
  private static final long SEED = 0x5EED_2001L;
  private static final String[] PREFIXES = {
    "",
    "ns=",
    "ns=0;",
    "ns=2;",
    "ns=65535;",
    "ns=65536;",
    "ns=99999;",
    "ns=-1;",
    "ns=;",
    "ns=2",
    "nsu=",
    "nsu=urn:plc;",
    "nsu=;",
    "svr=1;",
    " ns=1;",
    "NS=1;",
    "ns=00002;",
    "ns=1;ns=2;"
  };
  private static final String[] TYPES = {"s=", "i=", "g=", "b=", "x=", "", "S="};
  private static final String[] IDENTIFIERS = {
    "",
    "Tank/Temperature",
    "0",
    "4294967295",
    "4294967296",
    "-1",
    "99999999999999999999",
    "72962b91-fa75-4ae6-8d28-b404dc7daf63",
    "72962b91-fa75-4ae6-8d28",
    "1-1-1-1-1",
    "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
    "AQID",
    "AQI",
    "!!!",
    "=",
    "温度;ñ",
    "a\nb",
    "\u0000",
    ";",
    " ",
    "😀"
  };

  private static String text(SplittableRandom r) {
    return PREFIXES[r.nextInt(PREFIXES.length)]
        + TYPES[r.nextInt(TYPES.length)]
        + IDENTIFIERS[r.nextInt(IDENTIFIERS.length)]
        + (r.nextInt(8) == 0 ? IDENTIFIERS[r.nextInt(IDENTIFIERS.length)] : "");
  }

  @Test
  void aNodeIdOrAnErrorThatQuotesTheText() {
    SplittableRandom r = new SplittableRandom(SEED);
    int parsed = 0;
    for (int n = 0; n < 10_000; n++) {
      String text = text(r);
      String where = "seed " + SEED + " case " + n + ": '" + text + "'";
      ExpandedNodeId id;
      try {
        id = NodeIdText.parse(text);
      } catch (IllegalArgumentException e) {
        String m = e.getMessage();
        assertNotNull(m, where);
        assertTrue(
            text.isBlank() || m.contains("'" + text + "'"), where + ": message without it: " + m);
        assertTrue(
            m.contains(NodeIdText.FORMS) || m.contains("another server"),
            where + ": message without the forms: " + m);
        continue;
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      parsed++;
      assertNotNull(id, where);
      Object identifier = id.getIdentifier();
      assertNotNull(identifier, where);
      assertFalse(identifier instanceof String s && s.isEmpty(), where + ": empty name");
      assertFalse(
          identifier instanceof ByteString b && b.length() == 0, where + ": empty opaque id");
      String uri = id.getNamespaceUri();
      assertTrue(uri != null || id.getNamespaceIndex() != null, where);
      assertTrue(uri == null || !uri.isEmpty(), where + ": empty namespace URI");
      // what parses formats back to what it means
      assertEquals(id, NodeIdText.parse(id.toParseableString()), where);
      if (uri == null) {
        NodeId local = id.toNodeId(new NamespaceTable()).orElseThrow();
        assertEquals(
            local,
            NodeIdText.parse(NodeIdText.format(local)).toNodeId(new NamespaceTable()).orElseThrow(),
            where);
      }
    }
    assertTrue(parsed > 500, "too few parsed (" + parsed + "): the generator is off");
  }

  @Test
  void theUsualMistakesAreNamed() {
    String[] bad = {
      "ns=65536;s=x",
      "ns=-1;i=1",
      "ns=1;i=4294967296",
      "ns=1;i=-1",
      "ns=1;g=not-a-guid",
      "ns=1;g=1-1-1-1-1",
      "ns=1;b=!!!",
      "ns=1;b=",
      "i=",
      "g=",
      "nsu=;s=x",
      "nsu=urn:x;s=",
    };
    for (String text : bad) {
      var e = assertThrows(IllegalArgumentException.class, () -> NodeIdText.parse(text), text);
      assertTrue(e.getMessage().contains("'" + text + "'"), text + ": " + e.getMessage());
    }
  }

  @Test
  void hugeTextIsRefusedQuickly() {
    String huge = "ns=1;s=" + "x".repeat(1_000_000);
    ExpandedNodeId id = NodeIdText.parse(huge); // a long name is a name
    assertEquals(1_000_000, ((String) id.getIdentifier()).length());
    String digits = "ns=" + "9".repeat(100_000) + ";s=x";
    var e = assertThrows(IllegalArgumentException.class, () -> NodeIdText.parse(digits));
    assertTrue(e.getMessage().length() < 1_000, "the message quotes 100000 digits");
  }
}
