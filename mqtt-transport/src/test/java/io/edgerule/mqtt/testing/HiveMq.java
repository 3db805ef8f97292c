package io.edgerule.mqtt.testing;

import com.codahale.metrics.Counting;
import com.codahale.metrics.Metric;
import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * HiveMQ Community Edition, embedded in the test's JVM, on a free loopback port: a second MQTT
 * 3.1.1 broker, written independently of Mosquitto (Java, Netty), with its own retained-message
 * store, queueing, in-flight windows and overload protection. Its defaults are kept except the
 * in-memory persistence and no usage statistics. Its folders (configuration, data, extensions) live
 * in a folder of their own under the test's folder and are deleted on {@link #close()}; its own
 * loggers (and those of the libraries it brings) log warnings and errors only.
 */
public final class HiveMq implements TestBroker {
  private static final long START_TIMEOUT_SECONDS = 180; // seconds here; minutes at load 30+
  private static final List<String> CHATTY_LOGGERS =
      List.of(
          "com.hivemq",
          "event",
          "io.netty",
          "jetbrains.exodus",
          "oshi",
          "migrations",
          "org.jctools");

  private final EmbeddedHiveMQ hivemq;
  private final Path dir;
  private final int port;

  private HiveMq(EmbeddedHiveMQ hivemq, Path dir, int port) {
    this.hivemq = hivemq;
    this.dir = dir;
    this.port = port;
  }

  /** With HiveMQ's defaults. */
  public static HiveMq start(Path dir) throws IOException, InterruptedException {
    return start(dir, "");
  }

  /**
   * @param extraXml more elements inside {@code <hivemq>}, e.g. {@code <mqtt>...</mqtt>}
   */
  public static HiveMq start(Path dir, String extraXml) throws IOException, InterruptedException {
    quietLogs();
    // As with Mosquitto, the free port can be taken between finding it and binding it: try again.
    for (int attempt = 1; ; attempt++) {
      int port = Mosquitto.freePort();
      Path home = Files.createDirectories(dir.resolve("hivemq-" + port));
      EmbeddedHiveMQ h = build(home, port, extraXml);
      try {
        h.start().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (listening(port)) {
          return new HiveMq(h, home, port);
        }
        stop(h);
        delete(home);
        if (attempt >= 5) {
          throw new IllegalStateException("HiveMQ started but does not listen on " + port);
        }
      } catch (ExecutionException | TimeoutException e) {
        stop(h);
        delete(home);
        if (attempt >= 5) {
          throw new IllegalStateException("HiveMQ did not start: " + e, e);
        }
      }
    }
  }

  private static EmbeddedHiveMQ build(Path home, int port, String extraXml) throws IOException {
    Path conf = Files.createDirectories(home.resolve("conf"));
    Path data = Files.createDirectories(home.resolve("data"));
    Path extensions = Files.createDirectories(home.resolve("extensions"));
    Files.writeString(
        conf.resolve("config.xml"),
        """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener>
              <port>%d</port>
              <bind-address>127.0.0.1</bind-address>
            </tcp-listener>
          </listeners>
          <persistence>
            <mode>in-memory</mode>
          </persistence>
          <anonymous-usage-statistics>
            <enabled>false</enabled>
          </anonymous-usage-statistics>
          %s
        </hivemq>
        """
            .formatted(port, extraXml));
    return EmbeddedHiveMQ.builder()
        .withConfigurationFolder(conf)
        .withDataFolder(data)
        .withExtensionsFolder(extensions)
        .withoutLoggingBootstrap() // the test's logback configuration stays in charge
        .build();
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** HiveMQ logs its start-up at INFO and its libraries at DEBUG (the tests' root level). */
  private static void quietLogs() {
    for (String name : CHATTY_LOGGERS) {
      if (org.slf4j.LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) {
        l.setLevel(ch.qos.logback.classic.Level.WARN);
      }
    }
  }

  @Override
  public String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** From HiveMQ's metrics ({@code com.hivemq.messages.incoming|outgoing.publish.count}, ...). */
  @Override
  public Optional<PublishTotals> publishTotals() {
    return Optional.of(
        new PublishTotals(
            count("com.hivemq.messages.incoming.publish.count"),
            count("com.hivemq.messages.outgoing.publish.count"),
            count("com.hivemq.messages.dropped.count")));
  }

  private long count(String name) {
    Metric m = hivemq.getMetricRegistry().getMetrics().get(name);
    if (m instanceof Counting c) {
      return c.getCount();
    }
    throw new IllegalStateException("HiveMQ has no counter " + name + " (" + m + ")");
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      stop(hivemq);
    } finally {
      delete(dir);
    }
  }

  private static void stop(EmbeddedHiveMQ h) throws InterruptedException {
    try {
      h.stop().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // closed below either way
    } finally {
      try {
        h.close();
      } catch (ExecutionException e) {
        // already stopped
      }
    }
  }

  private static void delete(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> all = Files.walk(p)) {
      all.sorted(Comparator.reverseOrder())
          .forEach(
              f -> {
                try {
                  Files.deleteIfExists(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
