import com.fazecast.jSerialComm.SerialPort;
import io.edgerule.adapter.modbus.Parity;
import io.edgerule.adapter.modbus.internal.rtu.SerialBusPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Opens both ends of a socat pty pair through the gateway's own Modbus RTU port class (jSerialComm
 * underneath) and sends bytes each way. Run by benchmarks/cross/run.sh inside a foreign-architecture
 * root under qemu-user: it proves that jSerialComm's native library loads on that architecture (for
 * riscv64: the library of the edgerule-serial-native jar) and that a port really moves bytes.
 *
 * <p>Usage: java -cp edgerule.jar:. SerialProbe PTY_A PTY_B. Exit 0 when both messages arrived
 * intact, 1 otherwise. {@code SerialProbe --stock PTY_A} opens the port with jSerialComm alone,
 * without the gateway's classes (so without {@code SerialNative.prepare()}): what jSerialComm does
 * by itself on this architecture.
 */
public final class SerialProbe {
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);

  public static void main(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("--stock")) {
      SerialPort stock = SerialPort.getCommPort(args[1]); // loads jSerialComm's native library
      boolean opened = stock.openPort();
      System.out.printf("probe: stock jSerialComm opened %s: %s%n", args[1], opened);
      stock.closePort();
      System.exit(opened ? 0 : 1);
    }
    if (args.length != 2) {
      System.err.println("usage: SerialProbe PTY_A PTY_B | SerialProbe --stock PTY_A");
      System.exit(2);
    }
    SerialBusPort a = new SerialBusPort(args[0], 115200, 8, Parity.NONE, 1, false);
    SerialBusPort b = new SerialBusPort(args[1], 115200, 8, Parity.NONE, 1, false);
    a.open();
    b.open();
    System.out.printf(
        "probe: os.arch=%s os.arch_full=%s java=%s jSerialComm=%s native=%s%n",
        System.getProperty("os.arch"),
        System.getProperty("os.arch_full"),
        System.getProperty("java.runtime.version"),
        SerialPort.getVersion(),
        loadedNative());
    boolean ok = exchange(a, b, "ping from " + args[0]) & exchange(b, a, "pong from " + args[1]);
    a.close();
    b.close();
    System.out.println(ok ? "probe: OK" : "probe: FAILED");
    System.exit(ok ? 0 : 1);
  }

  /** The file jSerialComm's native library was mapped from, as the process's memory map says. */
  private static String loadedNative() throws IOException {
    try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
      return maps.filter(l -> l.contains("libjSerialComm"))
          .map(l -> l.substring(l.indexOf('/')))
          .findFirst()
          .orElse("(not in /proc/self/maps)");
    }
  }

  /** Writes {@code text} on {@code from} and reads until as many bytes came out of {@code to}. */
  private static boolean exchange(SerialBusPort from, SerialBusPort to, String text)
      throws IOException {
    byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
    from.write(sent);
    byte[] got = new byte[sent.length];
    byte[] chunk = new byte[sent.length];
    int have = 0;
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (have < sent.length && System.nanoTime() < deadline) {
      int n = to.read(chunk, TimeUnit.MILLISECONDS.toNanos(500));
      int take = Math.min(n, sent.length - have);
      System.arraycopy(chunk, 0, got, have, take);
      have += take;
    }
    boolean ok = Arrays.equals(sent, got);
    System.out.printf(
        "probe: %s -> %s: %d of %d bytes, %s: \"%s\"%n",
        from.endpoint(),
        to.endpoint(),
        have,
        sent.length,
        ok ? "intact" : "WRONG",
        new String(got, 0, have, StandardCharsets.US_ASCII));
    return ok;
  }
}
