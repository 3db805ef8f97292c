package io.edgerule.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgerule.mqtt.InboundMessage;
import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TransportConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A subscriber (QoS 1) to a gateway's telemetry of {@link SequenceAdapter} points that books every
 * sample: which per-point sequence numbers arrived, how many twice (QoS 1 allows duplicates), and
 * whether a point's first arrivals ever went backwards (order per point). Takes per-point messages
 * ({@code …/telemetry/<device>/<point>}) and batches ({@code …/telemetry-batch/<device>}, each
 * entry a sample, in the batch's order).
 */
public final class SampleLedger implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final class Point {
    final BitSet seen = new BitSet();
    long lastFirst = -1;
  }

  private final Map<String, Point> points = new HashMap<>(); // guarded by this
  private final List<String> orderViolations = new ArrayList<>(); // guarded by this
  private long received;
  private long distinct;
  private long duplicates;
  private final MqttTransport client;

  /** Connects to {@code brokerUri} and subscribes to {@code filter}; waits for the SUBACK. */
  public SampleLedger(String brokerUri, String filter) throws Exception {
    this(brokerUri, filter, "ledger-" + System.nanoTime(), true);
  }

  /**
   * @param cleanSession false with a fixed {@code clientId}: a persistent broker keeps what it
   *     queued for us across its restart
   */
  public SampleLedger(String brokerUri, String filter, String clientId, boolean cleanSession)
      throws Exception {
    client =
        new MqttTransport(
            TransportConfig.builder(brokerUri, clientId)
                .cleanSession(cleanSession)
                .reconnect(Duration.ofMillis(100), Duration.ofMillis(500))
                .build());
    client.start();
    client.subscribe(filter, 1, this::book).toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  /**
   * Calls {@code each} with the point name (e.g. {@code p3}) and value of every sample of one JSON
   * telemetry message (per point or a batch), in the message's order.
   */
  public static void samples(String topic, byte[] payload, BiConsumer<String, Long> each) {
    JsonNode n;
    try {
      n = JSON.readTree(payload);
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("not a telemetry payload on " + topic, e);
    }
    JsonNode batch = n.get("points");
    if (batch == null) {
      each.accept(topic.substring(topic.lastIndexOf('/') + 1), n.get("value").asLong());
      return;
    }
    for (JsonNode entry : batch) {
      each.accept(entry.get("point").asText(), entry.get("value").asLong());
    }
  }

  private void book(InboundMessage m) {
    samples(m.topic(), m.payload(), this::bookSample);
  }

  private void bookSample(String point, long value) {
    synchronized (this) {
      received++;
      Point p = points.computeIfAbsent(point, k -> new Point());
      int v = Math.toIntExact(value);
      if (p.seen.get(v)) {
        duplicates++;
        return;
      }
      p.seen.set(v);
      distinct++;
      if (v < p.lastFirst && orderViolations.size() < 20) {
        orderViolations.add(point + ": " + v + " arrived first after " + p.lastFirst);
      }
      p.lastFirst = Math.max(p.lastFirst, v);
    }
  }

  public synchronized long received() {
    return received;
  }

  public synchronized long distinct() {
    return distinct;
  }

  public synchronized long duplicates() {
    return duplicates;
  }

  public synchronized List<String> orderViolations() {
    return List.copyOf(orderViolations);
  }

  /** Whether sample {@code value} of {@code point} (e.g. {@code p3}) arrived. */
  public synchronized boolean has(String point, long value) {
    Point p = points.get(point);
    return p != null && p.seen.get(Math.toIntExact(value));
  }

  /**
   * Samples of {@link SequenceAdapter} numbers {@code 0..produced-1} over {@code pointCount} points
   * that did not arrive; at most {@code max} listed.
   */
  public synchronized List<String> missing(long produced, int pointCount, int max) {
    List<String> out = new ArrayList<>();
    for (long i = 0; i < produced && out.size() < max; i++) {
      String point = "p" + (i % pointCount);
      if (!has(point, i / pointCount)) {
        out.add(point + "#" + (i / pointCount));
      }
    }
    return out;
  }

  /** How many of samples {@code 0..produced-1} did not arrive. */
  public synchronized long missingCount(long produced, int pointCount) {
    long n = 0;
    for (long i = 0; i < produced; i++) {
      if (!has("p" + (i % pointCount), i / pointCount)) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    client.close();
  }
}
