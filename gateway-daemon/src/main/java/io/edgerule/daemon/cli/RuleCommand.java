package io.edgerule.daemon.cli;

import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointPattern;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.logging.ProgramLogging;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleLimits;
import io.edgerule.sandbox.RuleManifest;
import io.edgerule.sandbox.RuleStateStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule rule test|record}: run a rule outside the gateway on recorded events, and record
 * a gateway's live events. The JSONL formats are in docs/how-to/write-a-rule.md.
 */
@Command(
    name = "rule",
    description = "Test a rule on recorded events, or record a gateway's live events.",
    mixinStandardHelpOptions = true,
    subcommands = {RuleCommand.Test.class, RuleCommand.Record.class})
public final class RuleCommand {

  /**
   * {@code edgerule rule test}: loads the rule exactly as the gateway does (same validation and
   * limits, default gateway ceiling), feeds the events one batch each on a virtual clock and prints
   * one JSON line per action or failed/skipped outcome. Any bad event line stops the run before the
   * rule runs (exit 2), listing every bad line with its number.
   */
  @Command(
      name = "test",
      description =
          "Run a rule on a JSONL event file with a virtual clock; print each action or error outcome as a JSON line. Exit 0 after a run (even with rule faults), 1 if the rule does not load, 2 for bad input.",
      mixinStandardHelpOptions = true)
  public static final class Test implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--wasm", required = true, paramLabel = "FILE", description = "The module.")
    Path wasm;

    @Option(
        names = "--manifest",
        required = true,
        paramLabel = "FILE",
        description = "The rule's manifest (its 'module' key is ignored: --wasm is run).")
    Path manifestFile;

    @Option(
        names = "--events",
        required = true,
        paramLabel = "FILE",
        description = "Events, one JSON object per line (the format 'rule record' writes).")
    Path events;

    @Option(
        names = "--start-time",
        paramLabel = "INSTANT",
        description =
            "The virtual time of er_init, the origin of ticks (ISO-8601, e.g. 2026-11-21T10:00:00Z). Default: the first event's time.")
    String startTime;

    @Option(
        names = "--end-time",
        paramLabel = "INSTANT",
        description = "Keep ticking after the last event until this time. Default: stop there.")
    String endTime;

    @Option(
        names = "--state-dir",
        paramLabel = "DIR",
        description =
            "Keep the rule's persistent state (gw.state_put) in DIR between runs, as the gateway does under <state_dir>/rules. Default: in memory, empty at start.")
    Path stateDir;

    @Override
    public Integer call() {
      logToStderr();
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      byte[] content;
      try {
        content = Files.readAllBytes(events);
      } catch (IOException e) {
        err.printf("%s: cannot read: %s%n", events, e.getMessage());
        return ExitCodes.CONFIG;
      }
      // Bytes, not readAllLines: a line that is not UTF-8 is reported with its number.
      EventJsonl.Parsed parsed = EventJsonl.parse(content);
      if (!parsed.errors().isEmpty()) {
        for (EventJsonl.LineError e : parsed.errors()) {
          err.printf("%s:%d: %s%n", events, e.line(), e.message());
        }
        err.printf("%s: %d bad line(s); nothing was run%n", events, parsed.errors().size());
        return ExitCodes.CONFIG;
      }
      for (EventJsonl.LineError w : parsed.warnings()) {
        err.printf("%s:%d: warning: %s%n", events, w.line(), w.message());
      }
      Optional<Instant> start;
      Optional<Instant> end;
      try {
        start = instant("--start-time", startTime);
        end = instant("--end-time", endTime);
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        return ExitCodes.CONFIG;
      }
      RuleManifest manifest;
      try {
        manifest = RuleManifest.load(manifestFile);
      } catch (RuntimeException e) {
        err.println(e.getMessage());
        return ExitCodes.CONFIG;
      }
      Instant origin =
          start.orElse(
              parsed.events().isEmpty()
                  ? end.orElse(Instant.EPOCH)
                  : parsed.events().get(0).receiveTime());
      String tooLong = tooManyTicks(origin, manifest.tickPeriod(), parsed.events(), end);
      if (tooLong != null) {
        err.printf("%s: %s; nothing was run%n", events, tooLong);
        return ExitCodes.CONFIG;
      }
      RuleReplay.VirtualClock clock = new RuleReplay.VirtualClock(origin);
      ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
      RuleStateStore state =
          stateDir == null ? RuleStateStore.inMemory() : RuleStateStore.directory(stateDir);
      try (RuleEngine engine = new RuleEngine(RuleLimits.defaults(), watchdog, clock, state)) {
        Rule rule;
        try {
          rule = engine.load(manifest.name(), wasm, manifest);
        } catch (RuntimeException e) {
          err.println(e.getMessage());
          return ExitCodes.FAILURE;
        }
        new RuleReplay(engine, rule, clock, origin, manifest.tickPeriod(), out::println)
            .run(parsed.events(), end);
      } finally {
        watchdog.shutdownNow();
      }
      out.flush();
      return ExitCodes.OK;
    }

    /**
     * Stdout is data here: when run as the program (no logger exists yet), log lines go to stderr.
     * Embedded (tests), the host's logging setup stays as it is.
     */
    private static void logToStderr() {
      ProgramLogging.useStderrIfOwn();
    }

    private static Optional<Instant> instant(String option, String text) {
      if (text == null) {
        return Optional.empty();
      }
      Instant instant;
      try {
        instant = Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            option + ": '" + text + "' is not an ISO-8601 instant like 2026-11-21T10:00:00Z");
      }
      try {
        instant.toEpochMilli(); // the virtual clock counts epoch milliseconds
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(option + ": '" + text + "' is out of range");
      }
      return Optional.of(instant);
    }

    /**
     * The most ticks a test replays. A mistyped year (2926 for 2026) between two events of a rule
     * that ticks every second meant billions of ticks: the command seemed to hang. Ten million is
     * almost four months of 1 s ticks.
     */
    static final long MAX_TICKS = 10_000_000;

    /** Why the replay would tick more than {@link #MAX_TICKS} times, or null. */
    static String tooManyTicks(
        Instant origin, Optional<Duration> tick, List<PointEvent> events, Optional<Instant> end) {
      if (tick.isEmpty() || tick.get().isNegative() || tick.get().isZero()) {
        return null;
      }
      for (PointEvent e : events) {
        if (ticksBetween(origin, e.receiveTime(), tick.get()) > MAX_TICKS) {
          return "the event with seq "
              + e.sequence()
              + " at "
              + e.receiveTime()
              + " is too far after the start ("
              + origin
              + "): replaying up to it takes more than "
              + MAX_TICKS
              + " ticks of "
              + tick.get()
              + "; check its time";
        }
      }
      if (end.isPresent() && ticksBetween(origin, end.get(), tick.get()) > MAX_TICKS) {
        return "--end-time "
            + end.get()
            + " is too far after the start ("
            + origin
            + "): replaying up to it takes more than "
            + MAX_TICKS
            + " ticks of "
            + tick.get();
      }
      return null;
    }

    private static long ticksBetween(Instant from, Instant to, Duration tick) {
      if (!to.isAfter(from)) {
        return 0;
      }
      try {
        return Duration.between(from, to).dividedBy(tick);
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }
  }

  /**
   * {@code edgerule rule record}: starts the gateway from a config (devices, rules, MQTT as in
   * {@code run}) and writes every event it takes in, or those matching {@code --points}, to a JSONL
   * file until the duration ends or SIGTERM/Ctrl-C.
   */
  @Command(
      name = "record",
      description =
          "Run the gateway from a config and record its live events to a JSONL file (for 'rule test').",
      mixinStandardHelpOptions = true)
  public static final class Record implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "FILE",
        description = "The gateway's YAML config.")
    Path config;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "JSONL output.")
    Path outFile;

    @Option(
        names = "--points",
        paramLabel = "PATTERN",
        split = ",",
        description = "Record only points matching these patterns (+ and #). Default: all.")
    List<String> points;

    @Option(
        names = "--duration",
        paramLabel = "DURATION",
        description = "Stop after this long (e.g. 60s, 5m). Default: until SIGTERM or Ctrl-C.")
    String duration;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      List<PointPattern> patterns;
      Optional<Duration> limit;
      try {
        patterns =
            points == null
                ? List.of(PointPattern.parse("#"))
                : points.stream().map(String::strip).map(PointPattern::parse).toList();
        limit = duration == null ? Optional.empty() : Optional.of(DurationText.parse(duration));
      } catch (IllegalArgumentException e) {
        err.println("edgerule rule record: " + e.getMessage());
        return ExitCodes.CONFIG;
      }
      Optional<GatewayConfig> loaded = ConfigFiles.load(config, err);
      if (loaded.isEmpty()) {
        return ExitCodes.CONFIG;
      }
      CountDownLatch stop = new CountDownLatch(1);
      Signals.onTermination(stop::countDown);
      try (Recorder recorder = Recorder.open(outFile, patterns)) {
        try (Gateway gateway =
            Gateway.start(loaded.get(), Factories.installed(), recorder, Clock.systemUTC())) {
          if (limit.isPresent()) {
            stop.await(limit.get().toMillis(), TimeUnit.MILLISECONDS);
          } else {
            stop.await();
          }
        }
        recorder.check();
        spec.commandLine()
            .getOut()
            .printf("recorded %d events to %s%n", recorder.written.get(), outFile);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException | UncheckedIOException e) {
        err.println("edgerule rule record: cannot write " + outFile + ": " + e.getMessage());
        return ExitCodes.FAILURE;
      } catch (Exception e) {
        err.println("edgerule: cannot start: " + e.getMessage());
        return ExitCodes.FAILURE;
      }
      return ExitCodes.OK;
    }
  }

  /**
   * Writes the events a gateway takes in as JSONL lines. Runs on the pipeline's ingress thread: one
   * line written and flushed per event.
   */
  static final class Recorder implements GatewayListener, AutoCloseable {
    private final BufferedWriter writer;
    private final List<PointPattern> patterns;
    final AtomicLong written = new AtomicLong();
    private IOException failure;

    Recorder(BufferedWriter writer, List<PointPattern> patterns) {
      this.writer = writer;
      this.patterns = patterns;
    }

    /** The recorder of {@code rule record}: a new UTF-8 file (tests write through this too). */
    static Recorder open(Path file, List<PointPattern> patterns) throws IOException {
      return new Recorder(Files.newBufferedWriter(file, StandardCharsets.UTF_8), patterns);
    }

    @Override
    public synchronized void onEvent(PointEvent event) {
      if (failure != null || patterns.stream().noneMatch(p -> p.matches(event.point()))) {
        return;
      }
      try {
        writer.write(EventJsonlWriter.format(event));
        writer.newLine();
        writer.flush(); // a recording killed mid-incident keeps every event up to then
        written.incrementAndGet();
      } catch (IOException e) {
        failure = e; // reported when the recording ends; the gateway keeps running
      }
    }

    synchronized void check() throws IOException {
      if (failure != null) {
        throw failure;
      }
      writer.flush();
    }

    @Override
    public synchronized void close() throws IOException {
      writer.close(); // flushes; the recorder owns the file it opened
    }
  }
}
