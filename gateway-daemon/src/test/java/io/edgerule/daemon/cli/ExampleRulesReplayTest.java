package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every example rule, in every language it is written in, prints exactly its committed expected
 * lines ({@code NAME.expected.jsonl}) when {@code edgerule rule test} runs it on {@code
 * NAME.events.jsonl} with {@code NAME.yaml}: the examples' unit tests, and proof that the C,
 * AssemblyScript and WAT versions decide the same.
 */
class ExampleRulesReplayTest {
  static final Path EXAMPLES = Path.of("..", "examples", "rules");

  /** example (manifest, events, expected) -> the modules implementing it. */
  static final Map<String, List<String>> MODULES =
      Map.of(
          "threshold_alarm",
              List.of("threshold_alarm.wasm", "threshold_alarm.as.wasm", "threshold_alarm.rs.wasm"),
          "avg_alarm", List.of("avg_alarm.wasm"),
          "deadband", List.of("deadband.wasm", "deadband.as.wasm"),
          "pump", List.of("pump.wasm", "pump.as.wasm"),
          "pump_controller", List.of("pump_controller.wasm", "pump_controller.as.wasm"),
          "motion_light", List.of("motion_light.wasm", "hall_light.wasm", "motion_light.as.wasm"),
          "watchdog", List.of("watchdog.wasm", "watchdog.as.wasm"));

  static Stream<String[]> cases() {
    return MODULES.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .flatMap(e -> e.getValue().stream().map(m -> new String[] {e.getKey(), m}));
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("cases")
  void printsTheExpectedLines(String example, String module) throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new EdgeruleCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(
            "rule",
            "test",
            "--wasm",
            EXAMPLES.resolve(module).toString(),
            "--manifest",
            EXAMPLES.resolve(example + ".yaml").toString(),
            "--events",
            EXAMPLES.resolve(example + ".events.jsonl").toString());
    assertEquals(0, code, err.toString());
    String expected = Files.readString(EXAMPLES.resolve(example + ".expected.jsonl"));
    assertTrue(!expected.isBlank(), "an example's expected output says something");
    assertEquals(expected, out.toString(), example + " as " + module);
  }

  @Test
  void everyEventFileAndEveryModuleIsCovered() throws IOException {
    Set<String> examples;
    Set<String> modules;
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      examples =
          names.stream()
              .filter(n -> n.endsWith(".events.jsonl"))
              .map(n -> n.substring(0, n.length() - ".events.jsonl".length()))
              .collect(Collectors.toCollection(TreeSet::new));
      modules =
          names.stream()
              .filter(n -> n.endsWith(".wasm"))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(new TreeSet<>(MODULES.keySet()), examples);
    Set<String> tested =
        MODULES.values().stream()
            .flatMap(List::stream)
            .collect(Collectors.toCollection(TreeSet::new));
    // overtemp.wat and spin.wat are the sandbox's own examples (ExampleRulesTest); spin never ends.
    modules.removeAll(Set.of("overtemp.wasm", "spin.wasm"));
    assertEquals(modules, tested);
  }
}
