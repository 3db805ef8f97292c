package io.edgerule.sandbox.internal;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.sandbox.FailureKind;
import io.edgerule.sandbox.RuleAction;
import io.edgerule.sandbox.RuleManifest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.event.Level;

/**
 * The {@code gw} namespace for one rule instance. Lookups ({@code point_id}, {@code topic_id},
 * {@code point_name}) answer with a status code; emits stage an action or end the call with a
 * failure ({@link RuleAbort}): nothing the rule emits reaches the gateway unless the whole call
 * returns normally.
 */
public final class HostFunctions {
  /** What the rule is doing, which decides what it may call. */
  public enum Phase {
    IDLE,
    INIT,
    CALL
  }

  private static final long[] OK = {Abi.OK};

  /**
   * Alarm names follow the rules of point names (docs/reference/rule-abi.md): segments of ASCII
   * letters, digits, '_', '.', ':', '-'. They become MQTT topic levels and log text, so a space, a
   * NUL, a line break or any other character must not get through (only '+', '#' and empty segments
   * used to be refused).
   */
  private static final Pattern ALARM_NAME =
      Pattern.compile("[A-Za-z0-9_.:\\-]+(/[A-Za-z0-9_.:\\-]+)*");

  private static final int PAGE = 65_536;

  private final RuleManifest manifest;
  private final Clock clock;
  private final PointTable points;
  private final TopicTable topics;
  private final ActionStage stage;
  private final RuleState state;
  private final NameCache grantedAlarms = new NameCache(16);
  private Phase phase = Phase.IDLE;

  public HostFunctions(RuleManifest manifest, Clock clock, ActionStage stage) {
    this(manifest, clock, stage, new RuleState(0));
  }

  public HostFunctions(RuleManifest manifest, Clock clock, ActionStage stage, RuleState state) {
    this.manifest = manifest;
    this.clock = clock;
    this.points = new PointTable(manifest);
    this.topics = new TopicTable(manifest);
    this.stage = stage;
    this.state = state;
  }

  public RuleState state() {
    return state;
  }

  public void phase(Phase phase) {
    this.phase = phase;
  }

  public PointTable points() {
    return points;
  }

  public ActionStage stage() {
    return stage;
  }

  /** Every ABI v1 import, bound to this instance's state. */
  public ImportValues imports() {
    List<HostFunction> fns = new ArrayList<>();
    add(fns, Abi.POINT_ID, this::pointId);
    add(fns, Abi.POINT_NAME, this::pointName);
    add(fns, Abi.TOPIC_ID, this::topicId);
    add(fns, Abi.WRITE_BOOL, (inst, a) -> write(a, PointValue.of(a[1] != 0), Abi.WRITE_BOOL));
    add(fns, Abi.WRITE_I64, (inst, a) -> write(a, PointValue.of(a[1]), Abi.WRITE_I64));
    add(
        fns,
        Abi.WRITE_F64,
        (inst, a) -> write(a, PointValue.of(Double.longBitsToDouble(a[1])), Abi.WRITE_F64));
    add(fns, Abi.PUBLISH, this::publish);
    add(fns, Abi.ALARM_RAISE, this::alarmRaise);
    add(fns, Abi.ALARM_CLEAR, this::alarmClear);
    add(fns, Abi.LOG, this::log);
    add(fns, Abi.NOW_MS, (inst, a) -> new long[] {clock.millis()});
    add(fns, Abi.STATE_GET, this::stateGet);
    add(fns, Abi.STATE_PUT, this::statePut);
    return ImportValues.builder().addFunction(fns.toArray(HostFunction[]::new)).build();
  }

  private static void add(List<HostFunction> fns, String name, WasmFunctionHandle handle) {
    // Built now: concatenating with no stack left would fail again.
    String exhausted =
        "gw." + name + " was called with the call stack exhausted (recursion too deep)";
    fns.add(
        new HostFunction(
            Abi.IMPORT_MODULE,
            name,
            Abi.IMPORTS.get(name).type(),
            (inst, args) -> {
              try {
                return handle.apply(inst, args);
              } catch (StackOverflowError e) {
                // The rule recursed to just short of the limit and then called us: its fault, said
                // as such. Nothing here can be left half-initialised (HostClasses ran first).
                throw new RuleAbort(FailureKind.RESOURCE, exhausted);
              }
            }));
  }

  // ---- lookups: status codes ----

  private long[] pointId(Instance inst, long... a) {
    if (phase != Phase.INIT) {
      return status(Abi.ERR_STATE);
    }
    String name = nameArg(inst, a[0], a[1], Abi.POINT_ID, "name");
    return status(name == null ? Abi.ERR_INVALID : points.resolve(name));
  }

  private long[] topicId(Instance inst, long... a) {
    if (phase != Phase.INIT) {
      return status(Abi.ERR_STATE);
    }
    String name = nameArg(inst, a[0], a[1], Abi.TOPIC_ID, "name");
    return status(name == null ? Abi.ERR_INVALID : topics.resolve(name));
  }

  private long[] pointName(Instance inst, long... a) {
    PointId point = points.name((int) a[0]);
    if (point == null) {
      return status(Abi.ERR_NOT_FOUND);
    }
    byte[] name = point.toString().getBytes(StandardCharsets.UTF_8);
    int cap = (int) a[2];
    if (cap < 0) {
      return status(Abi.ERR_INVALID);
    }
    int n = Math.min(cap, name.length);
    Memory memory = inst.memory();
    checkRange(memory, a[1], n, Abi.POINT_NAME, "buffer");
    memory.write((int) a[1], name, 0, n);
    return status(name.length);
  }

  // ---- emits: stage or abort ----

  private long[] write(long[] a, PointValue value, String fn) {
    requireCall(fn);
    int id = (int) a[0];
    PointId point = points.name(id);
    if (point == null) {
      throw new RuleAbort(FailureKind.ABI, "gw." + fn + ": unknown point id " + id);
    }
    if (!points.isWritable(id)) {
      throw new RuleAbort(
          FailureKind.DENIED,
          "gw."
              + fn
              + ": write to "
              + point
              + ", which the manifest does not grant (writable_points: "
              + manifest.writablePoints()
              + ")");
    }
    stage.add(new RuleAction.WritePoint(point, value), 16);
    return OK;
  }

  private long[] publish(Instance inst, long... a) {
    requireCall(Abi.PUBLISH);
    int id = (int) a[0];
    String topic = topics.name(id);
    if (topic == null) {
      throw new RuleAbort(FailureKind.ABI, "gw.publish: unknown topic id " + id);
    }
    int flags = (int) a[3];
    if ((flags & ~(Abi.FLAG_QOS_MASK | Abi.FLAG_RETAIN)) != 0 || (flags & Abi.FLAG_QOS_MASK) == 3) {
      throw new RuleAbort(
          FailureKind.ABI,
          "gw.publish: invalid flags 0x"
              + Integer.toHexString(flags)
              + " (bits 0-1 qos 0..2, bit 2 retain, others 0)");
    }
    byte[] payload = bytesArg(inst, a[1], a[2], Abi.PUBLISH, "payload");
    stage.add(
        new RuleAction.Publish(
            topic, payload, flags & Abi.FLAG_QOS_MASK, (flags & Abi.FLAG_RETAIN) != 0),
        payload.length + topic.length());
    return OK;
  }

  private long[] alarmRaise(Instance inst, long... a) {
    requireCall(Abi.ALARM_RAISE);
    String alarm = alarmName(inst, a[0], a[1], Abi.ALARM_RAISE);
    int severity = (int) a[2];
    if (severity < Abi.SEVERITY_MIN || severity > Abi.SEVERITY_MAX) {
      throw new RuleAbort(
          FailureKind.ABI,
          "gw.alarm_raise: severity "
              + severity
              + " is outside "
              + Abi.SEVERITY_MIN
              + ".."
              + Abi.SEVERITY_MAX);
    }
    byte[] message = bytesArg(inst, a[3], a[4], Abi.ALARM_RAISE, "message");
    stage.add(
        new RuleAction.RaiseAlarm(alarm, severity, LogText.escape(lenientUtf8(message))),
        alarm.length() + message.length);
    return OK;
  }

  private long[] alarmClear(Instance inst, long... a) {
    requireCall(Abi.ALARM_CLEAR);
    String alarm = alarmName(inst, a[0], a[1], Abi.ALARM_CLEAR);
    stage.add(new RuleAction.ClearAlarm(alarm), alarm.length());
    return OK;
  }

  private long[] log(Instance inst, long... a) {
    int level = (int) a[0];
    Level lvl =
        switch (level) {
          case Abi.LOG_TRACE -> Level.TRACE;
          case Abi.LOG_DEBUG -> Level.DEBUG;
          case Abi.LOG_INFO -> Level.INFO;
          case Abi.LOG_WARN -> Level.WARN;
          case Abi.LOG_ERROR -> Level.ERROR;
          default ->
              throw new RuleAbort(
                  FailureKind.ABI, "gw.log: level " + level + " is not 0 (trace) .. 4 (error)");
        };
    byte[] message = bytesArg(inst, a[1], a[2], Abi.LOG, "message");
    stage.add(new RuleAction.Log(lvl, LogText.escape(lenientUtf8(message))), message.length);
    return null;
  }

  // ---- persistent state ----

  /** (key_ptr, key_len, buf_ptr, buf_cap) -> value length, or a status; copies min(len, cap). */
  private long[] stateGet(Instance inst, long... a) {
    String key = stateKey(inst, a[0], a[1], Abi.STATE_GET);
    int cap = (int) a[3];
    if (key == null || cap < 0) {
      return status(Abi.ERR_INVALID);
    }
    byte[] value = state.get(key);
    if (value == null) {
      return status(Abi.ERR_NOT_FOUND);
    }
    int n = Math.min(cap, value.length);
    Memory memory = inst.memory();
    checkRange(memory, a[2], n, Abi.STATE_GET, "buffer");
    memory.write((int) a[2], value, 0, n);
    return status(value.length);
  }

  /** (key_ptr, key_len, val_ptr, val_len) -> status; an empty value deletes the key. */
  private long[] statePut(Instance inst, long... a) {
    if (phase != Phase.CALL) {
      return status(Abi.ERR_STATE);
    }
    String key = stateKey(inst, a[0], a[1], Abi.STATE_PUT);
    if (key == null || a[3] < 0) {
      return status(Abi.ERR_INVALID);
    }
    Memory memory = inst.memory();
    checkRange(memory, a[2], a[3], Abi.STATE_PUT, "value");
    if (a[3] > state.capacity()) {
      throw new RuleAbort(
          FailureKind.LIMIT,
          "gw.state_put: a value of "
              + a[3]
              + " bytes exceeds the state limit of "
              + state.capacity()
              + " bytes (limits.state_bytes)");
    }
    state.put(key, memory.readBytes((int) a[2], (int) a[3]));
    return OK;
  }

  private static String stateKey(Instance inst, long ptr, long len, String fn) {
    if (len < 1 || len > Abi.MAX_STATE_KEY_BYTES) {
      return null;
    }
    return nameArg(inst, ptr, len, fn, "key");
  }

  // ---- argument helpers ----

  private void requireCall(String fn) {
    if (phase != Phase.CALL) {
      throw new RuleAbort(
          FailureKind.ABI,
          "gw." + fn + " called during er_init; emit actions from er_on_events or er_on_tick");
    }
  }

  private String alarmName(Instance inst, long ptr, long len, String fn) {
    // A rule raises and clears the same few alarms again and again: a name it was granted before
    // is recognised by its bytes, without decoding, splitting and pattern matching it again.
    byte[] raw = rawName(inst, ptr, len, fn, "alarm name");
    String known = raw == null ? null : grantedAlarms.get(raw);
    if (known != null) {
      return known;
    }
    String alarm = raw == null ? null : utf8(raw);
    if (alarm == null || !ALARM_NAME.matcher(alarm).matches() || TopicTable.hasDotSegment(alarm)) {
      throw new RuleAbort(
          FailureKind.ABI,
          "gw."
              + fn
              + ": invalid alarm name (1.."
              + Abi.MAX_NAME_BYTES
              + " bytes, '/'-separated segments of letters, digits, '_', '.', ':' or '-', not . or"
              + " ..)");
    }
    if (!manifest.mayRaise(alarm)) {
      throw new RuleAbort(
          FailureKind.DENIED,
          "gw."
              + fn
              + ": alarm '"
              + alarm
              + "' is not granted by the manifest (alarms: "
              + manifest.alarms()
              + ")");
    }
    grantedAlarms.put(raw, alarm);
    return alarm;
  }

  /** A name argument, or null if it is too long or not UTF-8. Out of bounds aborts. */
  private static String nameArg(Instance inst, long ptr, long len, String fn, String what) {
    byte[] raw = rawName(inst, ptr, len, fn, what);
    return raw == null ? null : utf8(raw);
  }

  /**
   * A name argument's bytes, or null if it is too long. Out of bounds aborts, naming the function
   * that was called (this used to say "gw.name" whatever the rule had called).
   */
  private static byte[] rawName(Instance inst, long ptr, long len, String fn, String what) {
    if (len < 0 || len > Abi.MAX_NAME_BYTES) {
      return null;
    }
    Memory memory = inst.memory();
    checkRange(memory, ptr, len, fn, what);
    return memory.readBytes((int) ptr, (int) len);
  }

  /** Strict UTF-8 (malformed input is refused, not replaced), or null. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private byte[] bytesArg(Instance inst, long ptr, long len, String fn, String what) {
    Memory memory = inst.memory();
    checkRange(memory, ptr, len, fn, what);
    stage.checkFits(len & 0xffffffffL);
    return memory.readBytes((int) ptr, (int) len);
  }

  private static void checkRange(Memory memory, long ptr, long len, String fn, String what) {
    long size = (long) memory.pages() * PAGE;
    long start = ptr & 0xffffffffL;
    long length = len & 0xffffffffL;
    if (start + length > size) {
      throw new RuleAbort(
          FailureKind.ABI,
          "gw."
              + fn
              + ": "
              + what
              + " at "
              + start
              + " (+"
              + length
              + " bytes) lies outside linear memory ("
              + size
              + " bytes)");
    }
  }

  private static String lenientUtf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static long[] status(int code) {
    return new long[] {code};
  }
}
