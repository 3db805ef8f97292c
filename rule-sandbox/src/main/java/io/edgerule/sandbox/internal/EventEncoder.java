package io.edgerule.sandbox.internal;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes a batch of events as ABI v1 records (32 bytes each, little-endian) followed by the
 * payload area holding string and bytes values. Pure: the encoder owns one growing scratch array
 * and knows nothing about the rule's memory; string/bytes offsets are written relative to the batch
 * start and made absolute by {@link #relocate} once the host knows where the batch goes.
 *
 * <pre>
 * offset size field
 *   0     4   point_id        i32, the id the rule resolved or was assigned for this point
 *   4     1   value_type      0 none, 1 bool, 2 int64, 3 float64, 4 string, 5 bytes
 *   5     1   quality         0 good, 1 uncertain, 2 bad
 *   6     2   flags           0 (reserved)
 *   8     8   value           bool 0/1, int64, float64 bits; string/bytes: u32 address, u32 length
 *  16     8   source_time_ms  i64, Unix epoch milliseconds
 *  24     8   sequence        i64, the gateway's event sequence number
 * </pre>
 */
public final class EventEncoder {
  private static final VarHandle I32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Resolves a point to the id the rule knows it by; negative means "not for this rule". */
  @FunctionalInterface
  public interface PointIds {
    int idOf(io.edgerule.adapter.PointId point);
  }

  private byte[] buf = new byte[32 * Abi.RECORD_SIZE];
  private int size;
  private int count;
  private int[] payloadRecords = new int[8];
  private int payloadRecordCount;
  // Reused between batches: a steady stream of batches allocates nothing here.
  private int[] recordIds = new int[32];

  /**
   * Encodes the events the rule subscribes to (ids >= 0), in order.
   *
   * @return the number of records written
   */
  public int encode(List<PointEvent> events, PointIds ids) {
    size = 0;
    count = 0;
    payloadRecordCount = 0;
    int n = events.size();
    ensure(n * Abi.RECORD_SIZE);
    // Records first, payloads after all records: reserve the record area as we go.
    if (recordIds.length < n) {
      recordIds = new int[Math.max(n, recordIds.length * 2)];
    }
    int[] recordIds = this.recordIds;
    int kept = 0;
    PointId lastPoint = null;
    int lastId = -1;
    for (int i = 0; i < n; i++) {
      PointId point = events.get(i).point();
      // Batches often repeat a point (one device polled in a burst): skip the table lookup then.
      int id = point == lastPoint ? lastId : ids.idOf(point);
      lastPoint = point;
      lastId = id;
      recordIds[i] = id;
      if (id >= 0) {
        kept++;
      }
    }
    int payloadAt = kept * Abi.RECORD_SIZE;
    size = payloadAt;
    int record = 0;
    for (int i = 0; i < n; i++) {
      if (recordIds[i] < 0) {
        continue;
      }
      PointEvent e = events.get(i);
      int at = record * Abi.RECORD_SIZE;
      I64.set(buf, at + Abi.OFF_SOURCE_TIME, e.sourceTime().toEpochMilli());
      I64.set(buf, at + Abi.OFF_SEQUENCE, e.sequence());
      PointValue v = e.value();
      int type;
      long raw;
      if (v instanceof PointValue.Float64 d) { // the common case first
        type = Abi.TYPE_FLOAT64;
        raw = Double.doubleToRawLongBits(d.value());
      } else if (v == null) {
        type = Abi.TYPE_NONE;
        raw = 0;
      } else if (v instanceof PointValue.Bool b) {
        type = Abi.TYPE_BOOL;
        raw = b.value() ? 1 : 0;
      } else if (v instanceof PointValue.Int64 l) {
        type = Abi.TYPE_INT64;
        raw = l.value();
      } else {
        byte[] bytes;
        if (v instanceof PointValue.Text t) {
          type = Abi.TYPE_STRING;
          bytes = t.value().getBytes(StandardCharsets.UTF_8);
        } else {
          type = Abi.TYPE_BYTES;
          bytes = ((PointValue.Bytes) v).value();
        }
        ensure(size + bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        raw = (size & 0xffffffffL) | ((long) bytes.length << 32);
        size += bytes.length;
        if (payloadRecordCount == payloadRecords.length) {
          payloadRecords = Arrays.copyOf(payloadRecords, payloadRecordCount * 2);
        }
        payloadRecords[payloadRecordCount++] = at;
      }
      // Bytes 0..7 in one store: point_id (0..3), value_type (4), quality (5), flags = 0 (6..7).
      I64.set(
          buf,
          at + Abi.OFF_POINT_ID,
          (recordIds[i] & 0xffffffffL) | ((long) type << 32) | ((long) quality(e.quality()) << 40));
      I64.set(buf, at + Abi.OFF_VALUE, raw);
      record++;
    }
    count = record;
    return count;
  }

  /**
   * Turns the payload offsets of the last batch into addresses for a batch placed at {@code base}.
   */
  public void relocate(int base) {
    for (int i = 0; i < payloadRecordCount; i++) {
      int at = payloadRecords[i] + Abi.OFF_VALUE;
      I32.set(buf, at, (int) I32.get(buf, at) + base);
    }
  }

  /** The encoded batch: bytes {@code [0, size())} of this array. */
  public byte[] bytes() {
    return buf;
  }

  public int size() {
    return size;
  }

  public int count() {
    return count;
  }

  private void ensure(int capacity) {
    if (capacity > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(capacity, buf.length * 2));
    }
  }

  private static int quality(Quality q) {
    return switch (q.status()) {
      case GOOD -> Abi.QUALITY_GOOD;
      case UNCERTAIN -> Abi.QUALITY_UNCERTAIN;
      case BAD -> Abi.QUALITY_BAD;
    };
  }
}
