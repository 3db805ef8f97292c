package io.edgerule.daemon.testing;

import io.edgerule.adapter.PointEvent;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.FlushSetting;
import io.edgerule.daemon.config.TelemetrySettings;
import io.edgerule.daemon.mqtt.OutboxUplink;
import io.edgerule.mqtt.outbox.Outbox;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A gateway in a child JVM for the uplink tests that kill it: one {@link SequenceAdapter} device
 * ({@code seq}) and telemetry at QoS 1 through the outbox. Prints {@code produced <n>} every 100
 * ms, so the test knows how many samples the device had handed over when it killed the process, and
 * {@code durable <n>} once the outbox has committed everything appended by the time those {@code n}
 * samples had been handed in. SIGTERM closes the gateway (the daemon's own shutdown path).
 *
 * <p>Arguments: gateway id, state folder, broker URI, samples per second, points, and optionally
 * {@code batch} (or {@code per_point}): telemetry batches (the default window), the device reading
 * every point once per cycle and ending each cycle, so {@code produced} counts the samples whose
 * cycle end returned; and a number of events after which the dispatch thread is held still (as a
 * very busy one would be: the rules and the pipeline's queue no longer move) until SIGTERM; the
 * child prints {@code dispatcher held} then.
 */
public final class UplinkGatewayMain {
  private UplinkGatewayMain() {}

  public static void main(String[] args) throws Exception {
    String id = args[0];
    Path state = Path.of(args[1]);
    String broker = args[2];
    int rate = Integer.parseInt(args[3]);
    int points = Integer.parseInt(args[4]);
    boolean batch = args.length > 5 && args[5].equals("batch");
    long holdAfter = args.length > 6 ? Long.parseLong(args[6]) : 0;
    CountDownLatch released = new CountDownLatch(1);
    GatewayListener listener =
        new GatewayListener() {
          private long events; // on the dispatch thread only

          @Override
          public void onEvent(PointEvent event) {
            if (++events == holdAfter) {
              System.out.println("dispatcher held");
              System.out.flush();
              try {
                released.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    SequenceAdapter.Factory devices = new SequenceAdapter.Factory();
    Gateway gw =
        Gateway.start(
            UplinkRig.config(
                id,
                state,
                broker,
                new SequenceAdapter.Device("seq", points, rate, Long.MAX_VALUE, batch ? points : 0),
                FlushSetting.DEFAULT,
                1L << 30,
                2_000_000,
                null,
                batch
                    ? new TelemetrySettings(TelemetrySettings.Mode.BATCH, null)
                    : TelemetrySettings.DEFAULTS),
            List.of(devices),
            listener,
            Clock.systemUTC(),
            null);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  released.countDown();
                  gw.close();
                },
                "shutdown"));
    System.out.println("started");
    Outbox outbox = ((OutboxUplink) gw.uplink()).outbox();
    while (true) {
      long produced = devices.last.produced();
      // Every sample counted in `produced` had been handed in (its accept(), or in batch mode its
      // cycle's cycleEnd(), had returned) before this read: if that puts it in the outbox, they
      // are all at or below `appended`.
      long appended = outbox.appendedThrough();
      System.out.println("produced " + produced);
      System.out.flush();
      while (outbox.durableThrough() < appended) {
        Thread.sleep(5); // waits for the outbox's next commit (every 100 ms)
      }
      System.out.println("durable " + produced);
      System.out.flush();
      Thread.sleep(100); // progress report interval
    }
  }
}
