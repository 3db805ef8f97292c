package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.namespace.json.JsonTopics;
import io.edgerule.daemon.testing.Mutator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random and mutated MQTT command payloads and topics: every one is answered exactly once on
 * cmd-result with a status and, unless OK, a reason; nothing escapes onto the MQTT callback thread;
 * and a device is written only for a well-formed write command.
 */
class CommandsFuzzTest {
  /** Fixed so failures reproduce; {@code -Dedgerule.fuzz.seed=N} explores other mutants. */
  private static final long SEED = Long.getLong("edgerule.fuzz.seed", 0xC0DE5L);

  private static final int MUTANTS = Integer.getInteger("edgerule.fuzz.count", 2_000);
  private static final Set<String> STATUSES = Set.of("OK", "INVALID", "REJECTED", "FAILED");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectReader STRICT =
      JSON.reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  private static final List<String> SEEDS =
      List.of(
          "{\"id\":\"c1\",\"point\":\"tank/pump\",\"value\":true}",
          "{\"id\":7,\"point\":\"tank/pump\",\"value\":1}",
          "{\"point\":\"tank/pump\",\"value\":\"on\"}",
          "{\"point\":\"tank/pump\",\"value\":2.5}",
          "{\"id\":\"r1\",\"rule\":\"pump\",\"action\":\"disable\"}",
          "{\"id\":\"r2\",\"rule\":\"pump\",\"action\":\"enable\"}");

  private static final List<String> TOKENS =
      List.of(
          "null",
          "true",
          "1e999",
          "-1e999",
          "99999999999999999999",
          "NaN",
          "\"\"",
          "\"\\u0000\"",
          "\"\\ud800\"",
          "[]",
          "{}",
          "[[[[",
          "{\"a\":",
          ",",
          ":",
          "\"",
          "\\",
          "\u0000",
          "\ufeff",
          "\"tank/pump\"",
          "\"tank/+\"",
          "\"boom\"",
          ",\"value\":false",
          ",\"point\":\"tank/nope\"",
          ",\"id\":{}",
          "} {",
          "x".repeat(300));

  private static final List<String> TOPIC_SUFFIXES =
      List.of(
          "write",
          "rule",
          "",
          "write/x",
          "x/write",
          "wr\u0000ite",
          "+",
          "#",
          "WRITE",
          "日本",
          "w".repeat(1_000));

  private final JsonTopics topics = new JsonTopics("edgerule", "gw");
  private final JsonNamespace namespace = new JsonNamespace(topics);
  private final CommandsTest.RecordingUplink uplink = new CommandsTest.RecordingUplink();
  private final CommandsTest.PumpAdapter adapter = new CommandsTest.PumpAdapter();
  private final Commands commands =
      new Commands(
          uplink,
          namespace,
          new ActionDispatcher(
              new PointDirectory(List.of(adapter)),
              uplink,
              namespace,
              GatewayListener.NONE,
              Clock.systemUTC()),
          new Commands.RuleControl() {
            @Override
            public String enable(String rule) {
              return control(rule, "enabled");
            }

            @Override
            public String disable(String rule) {
              return control(rule, "disabled");
            }
          });

  private static String control(String rule, String status) {
    if (rule.equals("boom")) {
      throw new NullPointerException(); // a bug in the gateway must still be answered
    }
    if (!rule.equals("pump")) {
      throw new IllegalArgumentException("no rule '" + rule + "'; loaded: pump");
    }
    return status;
  }

  /** Sends one command and checks the contract; returns the answer's status. */
  private String send(String topic, byte[] payload, String context) {
    int answersBefore = answers();
    int writesBefore = adapter.writes.size();
    try {
      commands.onCommand(topic, payload);
    } catch (Throwable t) {
      throw new AssertionError(context + ": escaped onto the MQTT thread: " + t, t);
    }
    assertEquals(answersBefore + 1, answers(), context + ": exactly one answer");
    JsonNode answer;
    try {
      answer = JSON.readTree(uplink.lastOn(topics.commandResult()));
    } catch (Exception e) {
      throw new AssertionError(context + ": answer is not JSON", e);
    }
    String command = topic == null ? "" : topic.substring(topic.lastIndexOf('/') + 1);
    assertEquals(command, answer.path("command").asText(), context);
    String status = answer.path("status").asText();
    assertTrue(STATUSES.contains(status), context + ": status " + answer);
    if (!status.equals("OK")) {
      String detail = answer.path("detail").asText();
      assertFalse(detail.isBlank(), context + ": a reason: " + answer);
      assertTrue(detail.length() <= 700, context + ": reason too long: " + detail.length());
    }
    int written = adapter.writes.size() - writesBefore;
    boolean okWrite = status.equals("OK") && command.equals("write");
    assertEquals(okWrite ? 1 : 0, written, context + ": device writes for " + answer);
    if (written == 1) {
      // Only a strictly valid object reaches the device, with the point it named.
      JsonNode body;
      try {
        body = STRICT.readTree(payload);
      } catch (Exception e) {
        throw new AssertionError(context + ": a malformed payload was written: " + e, e);
      }
      assertEquals(
          body.path("point").asText(),
          adapter.writes.get(adapter.writes.size() - 1).point().toString(),
          context);
    }
    return status;
  }

  private int answers() {
    synchronized (uplink) {
      return (int)
          uplink.published.stream().filter(p -> p[0].equals(topics.commandResult())).count();
    }
  }

  @Test
  void seedsAreCarriedOut() {
    for (String seed : SEEDS) {
      String name = seed.contains("\"rule\"") ? "rule" : "write";
      assertEquals(
          "OK", send(topics.command(name), seed.getBytes(StandardCharsets.UTF_8), seed), seed);
    }
  }

  @Test
  void mutatedPayloadsAndTopicsAreAnsweredAndNeverEscape() {
    Mutator mutator = new Mutator(SEED, TOKENS);
    int[] counts = new int[2];
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          for (int i = 0; i < MUTANTS; i++) {
            String seed = SEEDS.get(mutator.nextInt(SEEDS.size()));
            Mutator.Mutant m = mutator.mutate(seed);
            String name =
                mutator.nextInt(10) == 0
                    ? TOPIC_SUFFIXES.get(mutator.nextInt(TOPIC_SUFFIXES.size()))
                    : seed.contains("\"rule\"") ? "rule" : "write";
            String topic = topics.command(name);
            String context =
                "seed "
                    + SEED
                    + ", mutant "
                    + i
                    + " on "
                    + Mutator.shown(topic)
                    + " ("
                    + m.how()
                    + "): "
                    + m.shown();
            String status = send(topic, m.text().getBytes(StandardCharsets.UTF_8), context);
            counts[status.equals("OK") ? 0 : 1]++;
          }
        });
    assertTrue(
        counts[0] > 50 && counts[1] > MUTANTS / 3, "ok/rejected: " + counts[0] + "/" + counts[1]);
  }

  @Test
  void randomBytesAndOddTopicsAreAnswered() {
    SplittableRandom random = new SplittableRandom(SEED + 1);
    for (int i = 0; i < 500; i++) {
      byte[] payload;
      if (random.nextBoolean()) {
        payload = new byte[random.nextInt(64)];
        random.nextBytes(payload);
      } else {
        // A valid command with a few bits flipped (invalid UTF-8 included).
        payload = SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8);
        for (int f = 1 + random.nextInt(3); f > 0; f--) {
          payload[random.nextInt(payload.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      String name = TOPIC_SUFFIXES.get(random.nextInt(TOPIC_SUFFIXES.size()));
      send(topics.command(name), payload, "seed " + (SEED + 1) + ", bytes case " + i);
    }
    send(null, new byte[] {'{', '}'}, "no topic");
    send(topics.command("write"), null, "no payload");
    send("edgerule/gw/cmd", "{}".getBytes(StandardCharsets.UTF_8), "the filter's parent level");
  }

  @Test
  void ambiguousOrOutOfRangeWritesAreRejected() {
    for (String payload :
        List.of(
            "{\"point\":\"tank/pump\",\"value\":true} {\"point\":\"tank/pump\",\"value\":false}",
            "{\"point\":\"tank/pump\",\"value\":true}garbage",
            "{\"point\":\"tank/pump\",\"value\":true,\"value\":false}",
            "{\"point\":\"tank/pump\",\"point\":\"tank/other\",\"value\":true}",
            "{\"point\":\"tank/pump\",\"value\":1e999}",
            "{\"point\":\"tank/pump\",\"value\":-1e400}",
            "{\"point\":[\"tank/pump\"],\"value\":true}",
            "{\"id\":{\"x\":1},\"point\":\"tank/pump\",\"value\":true}",
            "{\"point\":\"tank/pump\",\"value\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}")) {
      String status =
          send(topics.command("write"), payload.getBytes(StandardCharsets.UTF_8), payload);
      assertEquals("INVALID", status, payload);
    }
    assertEquals(
        "FAILED",
        send(
            topics.command("rule"),
            "{\"rule\":\"boom\",\"action\":\"enable\"}".getBytes(StandardCharsets.UTF_8),
            "a rule control that throws"));
  }
}
