package io.edgerule.ota.device;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child JVM of {@link PowerLossIT}: runs one install sequence on a store and halts the JVM
 * (Runtime.halt: no shutdown hooks, no flushing, like kill -9) when it reaches crash point number
 * {@code args[1]} (0: never). Prints each crash point's label as it passes it; exits 0 after the
 * whole sequence.
 *
 * <p>The sequence, from image 1 committed in slot A: stage image 2 (slot B), start its trial, count
 * a start of the gateway, commit it; then stage image 3 (slot A, overwriting image 1), start its
 * trial and roll it back.
 */
public final class InstallChild {
  public static final int HALTED = 77;

  /** Image {@code n}: two rules with modules of different sizes and one extra file. */
  public static SlotImage image(int n) {
    byte[] big = new byte[200_000 + n];
    Arrays.fill(big, (byte) n);
    return new SlotImage(
        new ImageId("plant", Integer.toString(n), n),
        List.of(
            new RuleModule("pump", big, ("name: pump # " + n).getBytes(StandardCharsets.UTF_8)),
            new RuleModule(
                "valve",
                ("valve module " + n).getBytes(StandardCharsets.UTF_8),
                ("name: valve # " + n).getBytes(StandardCharsets.UTF_8))),
        Map.of("selftest.jsonl", ("{\"image\":" + n + "}").getBytes(StandardCharsets.UTF_8)));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int crashAt = Integer.parseInt(args[1]);
    AtomicInteger reached = new AtomicInteger();
    ImageStore store =
        ImageStore.open(
            dir,
            label -> {
              int n = reached.incrementAndGet();
              System.out.println(n + " " + label);
              System.out.flush();
              if (n == crashAt) {
                Runtime.getRuntime().halt(HALTED);
              }
            });
    Slot b = store.stage(image(2));
    store.beginTrial(b);
    store.countBoot();
    store.commit();
    Slot a = store.stage(image(3));
    store.beginTrial(a);
    store.rollBack();
    System.out.println("done " + reached.get());
    System.exit(0);
  }
}
