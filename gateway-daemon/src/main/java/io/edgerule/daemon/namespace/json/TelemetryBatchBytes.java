package io.edgerule.daemon.namespace.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.edgerule.adapter.PointEvent;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The telemetry batch body ({@code {"device":"tank","points":[{"point":"level",...},...]}}) written
 * straight into one byte array: in batch mode the whole batch of a read cycle is made on the
 * adapter's thread, and Jackson's generator with a time formatted twice per event was ~40 % of that
 * thread (JFR, 50 devices x 100 registers every 10 ms). Events {@link TelemetryBytes} cannot write
 * (text, bytes, a bad quality, non-finite numbers) are written by Jackson and spliced in, so the
 * bytes are always Jackson's ({@code TelemetryBatchBytesTest} compares the two).
 *
 * <p>Each thread writes into a scratch array of its own, kept from batch to batch, and the batch
 * gets a copy of exactly its size: a fresh array of 160 bytes per event, copied to its size and
 * thrown away at once, was the larger half of what batch telemetry allocated per sample.
 */
final class TelemetryBatchBytes {
  private static final byte[] DEVICE = ascii("{\"device\":");
  private static final byte[] POINTS = ascii(",\"points\":[");
  private static final byte[] POINT = ascii("{\"point\":");

  /** The largest scratch array a thread keeps (a batch of 1,000 events needs about 200 KB). */
  private static final int MAX_KEPT = 512 * 1024;

  private static final ThreadLocal<byte[]> SCRATCH =
      ThreadLocal.withInitial(() -> new byte[16 * 1024]);

  private TelemetryBatchBytes() {}

  static byte[] encode(String device, List<PointEvent> events) {
    TelemetryBytes.TimeCache times = new TelemetryBytes.TimeCache();
    byte[] out = SCRATCH.get();
    int n = 0;
    out = room(out, n, DEVICE.length + quotedLength(device) + POINTS.length);
    n = put(out, n, DEVICE);
    n = quoted(out, n, device);
    n = put(out, n, POINTS);
    boolean first = true;
    for (PointEvent e : events) {
      String name = e.point().point();
      out = room(out, n, 2 + POINT.length + quotedLength(name) + TelemetryBytes.MAX_FIELD_BYTES);
      if (!first) {
        out[n++] = ',';
      }
      first = false;
      n = put(out, n, POINT);
      n = quoted(out, n, name);
      out[n++] = ',';
      int end = TelemetryBytes.fields(out, n, e, times);
      if (end >= 0) {
        n = end;
        out[n++] = '}';
      } else {
        // Jackson's body of this event without its opening brace: "value":...}
        byte[] body = JsonPayloads.telemetryWithJackson(e);
        out = room(out, n, body.length);
        System.arraycopy(body, 1, out, n, body.length - 1);
        n += body.length - 1;
      }
    }
    out = room(out, n, 2);
    out[n++] = ']';
    out[n++] = '}';
    if (out.length <= MAX_KEPT) {
      SCRATCH.set(out); // grown for a larger batch: kept for the next one
    }
    return Arrays.copyOf(out, n);
  }

  private static byte[] room(byte[] out, int at, int more) {
    return at + more <= out.length ? out : Arrays.copyOf(out, Math.max(out.length * 2, at + more));
  }

  /** Bytes {@link #quoted} writes at most. */
  private static int quotedLength(String s) {
    return plain(s) ? s.length() + 2 : 6 * s.length() + 2;
  }

  /** {@code s} as a JSON string: directly when it needs no escaping, else as Jackson writes it. */
  private static int quoted(byte[] out, int at, String s) {
    if (plain(s)) {
      out[at++] = '"';
      for (int i = 0; i < s.length(); i++) {
        out[at + i] = (byte) s.charAt(i);
      }
      at += s.length();
      out[at++] = '"';
      return at;
    }
    byte[] json;
    try {
      json = JsonPayloads.JSON.writeValueAsBytes(s);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot happen writing a string to memory", e);
    }
    System.arraycopy(json, 0, out, at, json.length);
    return at + json.length;
  }

  /** Printable ASCII without a quote or a backslash: what Jackson writes unchanged. */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private static int put(byte[] out, int at, byte[] part) {
    System.arraycopy(part, 0, out, at, part.length);
    return at + part.length;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
