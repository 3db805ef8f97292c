package io.edgerule.bench;

import io.edgerule.mqtt.outbox.ClassBudget;
import io.edgerule.mqtt.outbox.FlushPolicy;
import io.edgerule.mqtt.outbox.Forwarder;
import io.edgerule.mqtt.outbox.ForwarderConfig;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboundMessage;
import io.edgerule.mqtt.outbox.Outbox;
import io.edgerule.mqtt.outbox.OutboxConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appends through the outbox (SQLite, WAL, synchronous=FULL, a commit every 100 ms) while a
 * forwarder drains it into a publisher that acknowledges at once, so every message is inserted,
 * read, acknowledged and deleted. One op is one append: {@code batch} messages carry 100 samples
 * (~4.2 KB of JSON, one device's poll cycle), {@code point} messages one sample (~90 bytes). After
 * each iteration the forwarder must have caught up (printed: appended, acknowledged).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class OutboxBenchmark {
  @Param({"batch", "point"})
  public String shape;

  private Path dir;
  private Outbox outbox;
  private Forwarder forwarder;
  private OutboundMessage[] messages;
  private long appended;
  private int next;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("outbox-bench");
    OutboxConfig cfg =
        OutboxConfig.of(dir.resolve("outbox.db"), FlushPolicy.every(Duration.ofMillis(100)))
            .withBudget(MessageClass.TELEMETRY, new ClassBudget(4L << 30, Duration.ofDays(1)));
    outbox = Outbox.open(cfg);
    forwarder =
        new Forwarder(
            outbox,
            (t, p, q, r) -> CompletableFuture.completedFuture(null),
            ForwarderConfig.defaults().withWindow(1000));
    forwarder.start();
    messages = new OutboundMessage[64];
    for (int d = 0; d < messages.length; d++) {
      StringBuilder b = new StringBuilder("{\"device\":\"dev" + d + "\",\"samples\":[");
      int samples = shape.equals("batch") ? 100 : 1;
      for (int s = 0; s < samples; s++) {
        b.append(s == 0 ? "" : ",")
            .append("{\"p\":\"pt")
            .append(s)
            .append("\",\"v\":")
            .append(1234.5 + s)
            .append(",\"t\":1764547200123}");
      }
      b.append("]}");
      String topic =
          shape.equals("batch")
              ? "edgerule/gw/telemetry/dev" + d
              : "edgerule/gw/telemetry/dev/p" + d;
      messages[d] =
          new OutboundMessage(
              topic,
              b.toString().getBytes(StandardCharsets.UTF_8),
              1,
              false,
              MessageClass.TELEMETRY);
    }
  }

  @Benchmark
  public long append() {
    appended++;
    return outbox.append(messages[next++ & 63]);
  }

  @TearDown(Level.Iteration)
  public void report() {
    System.out.printf(
        "%n  appended %d, acknowledged %d, queued %d%n",
        appended, forwarder.acked(), outbox.stats().of(MessageClass.TELEMETRY).queuedMessages());
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    forwarder.close();
    outbox.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
