package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.namespace.json.JsonTopics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code cmd/rule}: enable and disable a rule, answered on cmd-result like {@code write}. */
class RuleCommandTest {
  private final JsonTopics topics = new JsonTopics("edgerule", "gw");
  private final JsonNamespace namespace = new JsonNamespace(topics);
  private final CommandsTest.RecordingUplink uplink = new CommandsTest.RecordingUplink();
  private final List<String> calls = new ArrayList<>();

  private final Commands.RuleControl control =
      new Commands.RuleControl() {
        @Override
        public String enable(String rule) {
          check(rule);
          calls.add("enable " + rule);
          return "ACTIVE";
        }

        @Override
        public String disable(String rule) {
          check(rule);
          calls.add("disable " + rule);
          return "DISABLED";
        }

        private void check(String rule) {
          if (!rule.equals("pump")) {
            throw new IllegalArgumentException("no rule '" + rule + "' is loaded (loaded: pump)");
          }
        }
      };

  private final Commands commands =
      new Commands(
          uplink,
          namespace,
          new ActionDispatcher(
              new PointDirectory(List.of()),
              uplink,
              namespace,
              GatewayListener.NONE,
              Clock.systemUTC()),
          control);

  private String send(String payload) {
    commands.onCommand(topics.command("rule"), payload.getBytes(StandardCharsets.UTF_8));
    return uplink.lastOn(topics.commandResult());
  }

  @Test
  void disableAndEnableAreAnswered() {
    assertEquals(
        "{\"id\":\"c1\",\"command\":\"rule\",\"status\":\"OK\",\"detail\":\"rule 'pump' is DISABLED\"}",
        send("{\"id\":\"c1\",\"rule\":\"pump\",\"action\":\"disable\"}"));
    assertEquals(
        "{\"id\":\"c2\",\"command\":\"rule\",\"status\":\"OK\",\"detail\":\"rule 'pump' is ACTIVE\"}",
        send("{\"id\":\"c2\",\"rule\":\"pump\",\"action\":\"enable\"}"));
    assertEquals(List.of("disable pump", "enable pump"), calls);
  }

  @Test
  void badRuleCommandsSayWhatIsWrong() {
    assertEquals(
        "{\"id\":\"c3\",\"command\":\"rule\",\"status\":\"INVALID\","
            + "\"detail\":\"no rule 'tank' is loaded (loaded: pump)\"}",
        send("{\"id\":\"c3\",\"rule\":\"tank\",\"action\":\"enable\"}"));
    assertEquals(
        "{\"id\":\"c4\",\"command\":\"rule\",\"status\":\"INVALID\","
            + "\"detail\":\"'action' must be \\\"enable\\\" or \\\"disable\\\", not \\\"stop\\\"\"}",
        send("{\"id\":\"c4\",\"rule\":\"pump\",\"action\":\"stop\"}"));
    assertEquals(
        "{\"id\":\"c5\",\"command\":\"rule\",\"status\":\"INVALID\",\"detail\":\"'rule' is missing\"}",
        send("{\"id\":\"c5\",\"action\":\"enable\"}"));
    assertEquals(List.of(), calls);
  }
}
