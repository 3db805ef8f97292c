package io.edgerule.ota.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.InboundMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT fetch's stall handling on a hand-driven clock and a scripted broker: a chunk that does
 * not come is asked for again every stall time, the fetch never gives up by itself (the caller's
 * download timeout does, by cancelling it), and chunks that keep coming never trigger a request.
 */
class MqttImageFetchTest {
  static final Duration STALL = Duration.ofSeconds(60);

  @TempDir Path tmp;
  final byte[] file = ImageDownloadTest.file(5_000);
  final DownloadIndex idx = DownloadIndex.of(file, 1024); // 5 chunks
  final Hand clock = new Hand();
  final Broker broker = new Broker();
  final List<String> progress = new ArrayList<>();

  /** A clock that moves only when the test says, running what falls due on the test's thread. */
  static final class Hand implements MqttImageFetch.Ticker {
    private record Due(long at, long seq, Runnable r) {}

    private final List<Due> due = new ArrayList<>();
    private long now;
    private long seq;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void after(long millis, Runnable r) {
      due.add(new Due(now + millis * 1_000_000, seq++, r));
    }

    void advance(Duration d) {
      long until = now + d.toNanos();
      while (true) {
        Due next =
            due.stream()
                .filter(x -> x.at() <= until)
                .min(Comparator.comparingLong(Due::at).thenComparingLong(Due::seq))
                .orElse(null);
        if (next == null) {
          break;
        }
        due.remove(next);
        now = next.at();
        next.r().run();
      }
      now = until;
    }
  }

  /**
   * The retained chunks of one image; each SUBSCRIBE sends them all but those the script drops for
   * that subscription (a broker whose queue for a slow client was full).
   */
  final class Broker implements MqttLink {
    final Set<Integer> dropped = new HashSet<>();
    int droppedFor; // the first subscriptions that lose the dropped chunks
    int subscribes;
    int unsubscribes;
    Consumer<InboundMessage> handler;
    String filter;

    @Override
    public CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retained) {
      throw new UnsupportedOperationException("the fetch publishes nothing");
    }

    @Override
    public CompletionStage<Void> subscribe(
        String filter, int qos, Consumer<InboundMessage> handler) {
      this.filter = filter;
      this.handler = handler;
      subscribes++;
      for (int n = 0; n < idx.chunks().size(); n++) {
        if (subscribes > droppedFor || !dropped.contains(n)) {
          deliver(n);
        }
      }
      return CompletableFuture.completedFuture(null);
    }

    void deliver(int n) {
      handler.accept(
          new InboundMessage(
              MqttImageFetch.chunkTopic("edgerule", idx.sha256(), n),
              ImageDownloadTest.slice(file, idx, n),
              1,
              true,
              false));
    }

    @Override
    public void unsubscribe(String filter) {
      assertEquals(this.filter, filter);
      unsubscribes++;
    }
  }

  CompletableFuture<byte[]> fetch(ImageDownload d) {
    return MqttImageFetch.fetch(broker, "edgerule", d, progress::add, STALL, clock);
  }

  @Test
  void aChunkThatDoesNotComeIsAskedForAgainUntilItDoes() throws Exception {
    broker.dropped.add(2);
    broker.droppedFor = 2;
    try (ImageDownload d = new ImageDownload(tmp, idx)) {
      CompletableFuture<byte[]> f = fetch(d);
      assertEquals(4, d.chunksHeld());
      clock.advance(STALL.minusSeconds(1));
      assertEquals(1, broker.subscribes, "not asked again before the stall time");

      clock.advance(Duration.ofSeconds(15));
      assertEquals(2, broker.subscribes, "asked again after the stall time");
      assertFalse(f.isDone(), "the second answer lost the chunk too, and the fetch goes on");
      assertTrue(
          progress.contains("no chunk for 60000 ms, asked again (once): 4 of 5 chunks"),
          progress.toString());

      clock.advance(STALL.plusSeconds(15));
      assertEquals(3, broker.subscribes);
      assertTrue(f.isDone());
      assertArrayEquals(file, f.get());
      assertEquals(1, broker.unsubscribes, "the subscription ends with the fetch");

      clock.advance(Duration.ofHours(1));
      assertEquals(3, broker.subscribes, "nothing is asked after the end");
    }
  }

  @Test
  void theFetchNeverGivesUpByItselfAndEndsWhenTheCallerCancelsIt() throws Exception {
    broker.dropped.add(4);
    broker.droppedFor = Integer.MAX_VALUE; // the chunk is lost for good
    try (ImageDownload d = new ImageDownload(tmp, idx)) {
      CompletableFuture<byte[]> f = fetch(d);
      clock.advance(STALL.multipliedBy(100).plusSeconds(30));
      assertFalse(f.isDone(), "a stall alone never ends the download");
      assertEquals(101, broker.subscribes, "asked again once per stall time");
      assertTrue(
          progress.contains("no chunk for 60000 ms, asked again (100 times): 4 of 5 chunks"),
          progress.toString());

      f.cancel(false); // the download timeout
      assertEquals(1, broker.unsubscribes);
      clock.advance(Duration.ofHours(1));
      assertEquals(101, broker.subscribes, "nothing is asked after the end");
      assertEquals(4, d.chunksHeld(), "the chunks held stay for the next attempt");
    }
  }

  @Test
  void chunksThatKeepComingAreNeverAskedForAgain() throws Exception {
    broker.dropped.addAll(Set.of(0, 1, 2, 3, 4)); // none retained yet: they come live
    broker.droppedFor = Integer.MAX_VALUE;
    try (ImageDownload d = new ImageDownload(tmp, idx)) {
      CompletableFuture<byte[]> f = fetch(d);
      for (int n = 0; n < 5; n++) {
        clock.advance(STALL.minusSeconds(10)); // each within the stall time of the one before
        broker.deliver(n);
      }
      assertArrayEquals(file, f.get());
      assertEquals(1, broker.subscribes, "never asked again");
      assertTrue(progress.stream().noneMatch(p -> p.contains("asked again")), progress.toString());
    }
  }
}
