package io.edgerule.daemon.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.adapter.PointId;
import io.edgerule.mqtt.outbox.MessageClass;
import org.junit.jupiter.api.Test;

/** Every topic the gateway builds gets the outbox class of what it carries. */
class TopicsClassTest {
  private final Topics t = new Topics("edgerule", "gw-1");

  @Test
  void eachTopicOfTheSchemeHasItsClass() {
    assertEquals(MessageClass.TELEMETRY, t.classOf(t.telemetry(PointId.parse("tank/level"))));
    assertEquals(MessageClass.ALARM, t.classOf(t.alarm("r", "high")));
    assertEquals(MessageClass.WRITE_RESULT, t.classOf(t.writeResult(PointId.parse("tank/pump"))));
    assertEquals(MessageClass.COMMAND_RESULT, t.classOf(t.commandResult()));
    assertEquals(MessageClass.STATE, t.classOf(t.state()));
    assertEquals(MessageClass.RULE_PUBLICATION, t.classOf(t.rule("r", "telemetry")));
  }

  @Test
  void topicsOutsideThisGatewaysRootAreRulePublications() {
    assertEquals(MessageClass.RULE_PUBLICATION, t.classOf("edgerule/gw-2/telemetry/a/b"));
    assertEquals(MessageClass.RULE_PUBLICATION, t.classOf("edgerule/gw-10/state"));
    assertEquals(MessageClass.RULE_PUBLICATION, t.classOf("edgerulex/gw-1/state"));
    assertEquals(MessageClass.RULE_PUBLICATION, t.classOf("edgerule/gw-1"));
    assertEquals(MessageClass.RULE_PUBLICATION, t.classOf("edgerule/gw-1/"));
    assertEquals(MessageClass.RULE_PUBLICATION, t.classOf("x"));
  }
}
