package io.edgerule.adapter.opcua;

import io.edgerule.adapter.AdapterContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** What the daemon lends adapters, for tests: real executors and a temporary state directory. */
final class TestContext implements AutoCloseable {
  final ScheduledExecutorService scheduler;
  final ExecutorService blockingIo;
  final ThreadFactory threadFactory;
  final Path stateDirectory;
  final AtomicInteger threadsMade = new AtomicInteger();

  TestContext() {
    this(newTempDir());
  }

  TestContext(Path stateDirectory) {
    this.stateDirectory = stateDirectory;
    this.threadFactory =
        r -> {
          Thread t = new Thread(r, "test-adapter-" + threadsMade.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.scheduler = Executors.newScheduledThreadPool(2, named("test-scheduler"));
    this.blockingIo = Executors.newCachedThreadPool(named("test-io"));
  }

  AdapterContext context() {
    return new AdapterContext(
        scheduler, blockingIo, threadFactory, Clock.systemUTC(), stateDirectory);
  }

  OpcUaPki pki() {
    try {
      return OpcUaPki.open(stateDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path newTempDir() {
    try {
      return Files.createTempDirectory("edgerule-opcua-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() throws IOException, InterruptedException {
    scheduler.shutdownNow();
    blockingIo.shutdownNow();
    scheduler.awaitTermination(5, TimeUnit.SECONDS);
    try (Stream<Path> files = Files.walk(stateDirectory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
