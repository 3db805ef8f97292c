package io.edgerule.mqtt.outbox;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link OutboxCrashIT}: appends numbered messages until killed and prints "D n"
 * each time messages up to id n are durable by its flush policy. Payload of id n is "n".
 */
public final class CrashWriterMain {
  private CrashWriterMain() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    boolean each = args[1].equals("each");
    FlushPolicy policy =
        each ? FlushPolicy.everyMessage() : FlushPolicy.every(Duration.ofMillis(20));
    PrintStream out = new PrintStream(System.out, false, UTF_8);
    try (Outbox o = Outbox.open(OutboxConfig.of(file, policy))) {
      long reported = o.durableThrough();
      out.println("D " + reported);
      out.flush();
      long next = reported + 1;
      while (true) {
        long id = o.append(message(next));
        if (id != next) {
          throw new IllegalStateException("id " + id + " for message " + next);
        }
        next++;
        long durable = o.durableThrough();
        if (durable > reported) {
          reported = durable;
          out.println("D " + reported);
          out.flush();
        }
      }
    }
  }

  private static OutboundMessage message(long n) {
    MessageClass c = n % 10 == 0 ? MessageClass.ALARM : MessageClass.TELEMETRY;
    return new OutboundMessage("p/" + (n % 7), Long.toString(n).getBytes(UTF_8), 1, false, c);
  }
}
