package io.edgerule.sandbox;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.sandbox.internal.EventEncoder;
import io.edgerule.sandbox.internal.LogText;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.event.Level;

/**
 * ABI v1's host functions as docs/reference/rule-abi.md describes them, written from the docs and
 * not from HostFunctions: the oracle of the host-call fuzz tests. It predicts, call by call, the
 * status a lookup answers, the action an emit stages, or that the call ends with a failure of one
 * of a set of kinds (a call with several problems may fail with any of their kinds: the docs give
 * no order). Where the docs give no order between a status and a failure of the same call (a bad
 * key and a buffer outside memory), the model follows the implementation's order.
 */
final class HostCallModel {
  static final int PAGE = 65_536;
  static final int ERR_INVALID = -1;
  static final int ERR_NOT_FOUND = -2;
  static final int ERR_DENIED = -3;
  static final int ERR_STATE = -4;
  static final int MAX_NAME = 256;
  static final int MAX_KEY = 128;

  /** Topic segments: ASCII letters, digits, '_', '.', ':', '-'. Alarm names: the same. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:\\-]+(/[A-Za-z0-9_.:\\-]+)*");

  /** A name that is also an MQTT topic level may not have "." or ".." segments. */
  private static boolean validTopicName(String name) {
    return NAME.matcher(name).matches()
        && Arrays.stream(name.split("/")).noneMatch(s -> s.equals(".") || s.equals(".."));
  }

  /** What one host call did. */
  sealed interface Result {}

  /** It returned (a status, a length, the clock; 0 for log). */
  record Returned(long value) implements Result {}

  /** It ended the rule's call: a failure of one of these kinds, for the reason given. */
  record Ends(Set<FailureKind> kinds, String fn, String why) implements Result {}

  private final RuleManifest manifest;
  private final int maxActions;
  private final int maxActionBytes;
  private final int stateBytes;
  private final long nowMs;
  final byte[] memory;

  private boolean init = true;
  private final List<PointId> points = new ArrayList<>();
  private final Map<PointId, Integer> pointIds = new HashMap<>();
  private final BitSet writable = new BitSet();
  private final BitSet inputs = new BitSet();
  private final List<String> topics = new ArrayList<>();
  private final Map<String, Integer> topicIds = new HashMap<>();
  private Map<String, byte[]> committed = new TreeMap<>();
  private Map<String, byte[]> working;
  private final List<RuleAction> staged = new ArrayList<>();
  private long stagedBytes;

  /**
   * @param limits the rule's limits after the host's caps
   * @param memory the rule's memory after its data segments (the model owns it from now on)
   */
  HostCallModel(RuleManifest manifest, RuleLimits limits, long nowMs, byte[] memory) {
    this.manifest = manifest;
    this.maxActions = limits.maxActions();
    this.maxActionBytes = limits.maxActionBytes();
    this.stateBytes = limits.stateBytes();
    this.nowMs = nowMs;
    this.memory = memory;
  }

  // ---- phases ----

  /** Init is over: it committed nothing but log lines (returned), and lookups end. */
  List<RuleAction> endInit() {
    init = false;
    List<RuleAction> out = List.copyOf(staged);
    staged.clear();
    stagedBytes = 0;
    return out;
  }

  /** Writes a batch the way the host does before er_on_events; returns the record count. */
  int deliver(List<PointEvent> batch, int bufferAddress) {
    EventEncoder encoder = new EventEncoder();
    int count = encoder.encode(batch, this::idOfEvent);
    encoder.relocate(bufferAddress);
    System.arraycopy(encoder.bytes(), 0, memory, bufferAddress, encoder.size());
    return count;
  }

  /** The call returned 0: its actions and state changes are committed. */
  List<RuleAction> commit() {
    if (working != null) {
      committed = working;
      working = null;
    }
    List<RuleAction> out = List.copyOf(staged);
    staged.clear();
    stagedBytes = 0;
    return out;
  }

  /** The committed state, sorted by key. */
  Map<String, byte[]> state() {
    return committed;
  }

  int pointCount() {
    return points.size();
  }

  int topicCount() {
    return topics.size();
  }

  private int idOfEvent(PointId point) {
    Integer id = pointIds.get(point);
    if (id != null) {
      return inputs.get(id) ? id : -1;
    }
    return manifest.subscribes(point) ? assign(point, true, manifest.mayWrite(point)) : -1;
  }

  private int assign(PointId point, boolean input, boolean output) {
    Integer known = pointIds.get(point);
    if (known != null) {
      return known;
    }
    int id = points.size();
    points.add(point);
    pointIds.put(point, id);
    inputs.set(id, input);
    writable.set(id, output);
    return id;
  }

  // ---- calls ----

  /** Thrown inside the model when a call ends the rule's call. */
  private static final class End extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Ends ends;

    End(Ends ends) {
      super(ends.why(), null, false, false);
      this.ends = ends;
    }
  }

  /**
   * One call with its raw arguments (i32 as int values, i64 and f64 as their 64 bits).
   *
   * @return what the host must do
   */
  Result call(String fn, long... a) {
    try {
      return new Returned(dispatch(fn, a));
    } catch (End e) {
      return e.ends;
    }
  }

  private long dispatch(String fn, long[] a) {
    return switch (fn) {
      case "point_id" -> pointId(i(a[0]), i(a[1]));
      case "topic_id" -> topicId(i(a[0]), i(a[1]));
      case "point_name" -> pointName(i(a[0]), i(a[1]), i(a[2]));
      case "now_ms" -> nowMs;
      case "write_bool" -> write(fn, i(a[0]), PointValue.of(i(a[1]) != 0));
      case "write_i64" -> write(fn, i(a[0]), PointValue.of(a[1]));
      case "write_f64" -> write(fn, i(a[0]), PointValue.of(Double.longBitsToDouble(a[1])));
      case "publish" -> publish(i(a[0]), i(a[1]), i(a[2]), i(a[3]));
      case "alarm_raise" -> alarmRaise(i(a[0]), i(a[1]), i(a[2]), i(a[3]), i(a[4]));
      case "alarm_clear" -> alarmClear(i(a[0]), i(a[1]));
      case "log" -> log(i(a[0]), i(a[1]), i(a[2]));
      case "state_get" -> stateGet(i(a[0]), i(a[1]), i(a[2]), i(a[3]));
      case "state_put" -> statePut(i(a[0]), i(a[1]), i(a[2]), i(a[3]));
      default -> throw new IllegalArgumentException("not in ABI v1: " + fn);
    };
  }

  private long pointId(int ptr, int len) {
    if (!init) {
      return ERR_STATE;
    }
    String name = name("point_id", ptr, len, MAX_NAME);
    if (name == null) {
      return ERR_INVALID;
    }
    PointId point;
    try {
      point = PointId.parse(name);
    } catch (IllegalArgumentException e) {
      return ERR_INVALID;
    }
    boolean input = manifest.subscribes(point);
    boolean output = manifest.mayWrite(point);
    return input || output ? assign(point, input, output) : ERR_DENIED;
  }

  private long topicId(int ptr, int len) {
    if (!init) {
      return ERR_STATE;
    }
    String name = name("topic_id", ptr, len, MAX_NAME);
    if (name == null || !validTopicName(name)) {
      return ERR_INVALID;
    }
    if (!manifest.mayPublish(name)) {
      return ERR_DENIED;
    }
    return topicIds.computeIfAbsent(
        name,
        t -> {
          topics.add(t);
          return topics.size() - 1;
        });
  }

  private long pointName(int id, int buf, int cap) {
    if (id < 0 || id >= points.size()) {
      return ERR_NOT_FOUND;
    }
    if (cap < 0) {
      return ERR_INVALID;
    }
    byte[] name = points.get(id).toString().getBytes(StandardCharsets.UTF_8);
    int n = Math.min(cap, name.length);
    if (!inMemory(buf, n)) {
      throw end(FailureKind.ABI, "point_name", "buffer outside memory");
    }
    System.arraycopy(name, 0, memory, buf, n);
    return name.length;
  }

  private long write(String fn, int id, PointValue value) {
    Set<FailureKind> kinds = EnumSet.noneOf(FailureKind.class);
    if (init) {
      kinds.add(FailureKind.ABI); // refuses the load
    }
    if (id < 0 || id >= points.size()) {
      kinds.add(FailureKind.ABI);
    } else if (!writable.get(id)) {
      kinds.add(FailureKind.DENIED);
    }
    return stage(fn, kinds, 16, () -> new RuleAction.WritePoint(points.get(id), value));
  }

  private long publish(int topic, int ptr, int len, int flags) {
    Set<FailureKind> kinds = EnumSet.noneOf(FailureKind.class);
    if (init) {
      kinds.add(FailureKind.ABI);
    }
    if (topic < 0 || topic >= topics.size()) {
      kinds.add(FailureKind.ABI);
    }
    if ((flags & ~0b111) != 0 || (flags & 0b11) == 3) {
      kinds.add(FailureKind.ABI);
    }
    boolean inside = inMemory(ptr, len);
    if (!inside) {
      kinds.add(FailureKind.ABI);
    }
    long topicBytes =
        kinds.isEmpty() ? topics.get(topic).getBytes(StandardCharsets.UTF_8).length : 0;
    return stage(
        "publish",
        kinds,
        inside ? Integer.toUnsignedLong(len) + topicBytes : -1,
        () ->
            new RuleAction.Publish(
                topics.get(topic),
                Arrays.copyOfRange(memory, ptr, ptr + len),
                flags & 0b11,
                (flags & 0b100) != 0));
  }

  private long alarmRaise(int namePtr, int nameLen, int severity, int msgPtr, int msgLen) {
    Set<FailureKind> kinds = EnumSet.noneOf(FailureKind.class);
    if (init) {
      kinds.add(FailureKind.ABI);
    }
    String alarm = alarmName(namePtr, nameLen, kinds);
    if (severity < 1 || severity > 1000) {
      kinds.add(FailureKind.ABI);
    }
    boolean inside = inMemory(msgPtr, msgLen);
    if (!inside) {
      kinds.add(FailureKind.ABI);
    }
    long size = alarm != null && inside ? nameLen + (long) msgLen : -1;
    return stage(
        "alarm_raise",
        kinds,
        size,
        () ->
            new RuleAction.RaiseAlarm(
                alarm,
                severity,
                LogText.escape(
                    new String(
                        Arrays.copyOfRange(memory, msgPtr, msgPtr + msgLen),
                        StandardCharsets.UTF_8))));
  }

  private long alarmClear(int namePtr, int nameLen) {
    Set<FailureKind> kinds = EnumSet.noneOf(FailureKind.class);
    if (init) {
      kinds.add(FailureKind.ABI);
    }
    String alarm = alarmName(namePtr, nameLen, kinds);
    return stage(
        "alarm_clear", kinds, alarm != null ? nameLen : -1, () -> new RuleAction.ClearAlarm(alarm));
  }

  /** The alarm name, or null after adding why it is refused to {@code kinds}. */
  private String alarmName(int ptr, int len, Set<FailureKind> kinds) {
    if (len < 0 || len > MAX_NAME || !inMemory(ptr, len)) {
      kinds.add(FailureKind.ABI);
      return null;
    }
    String name = strictUtf8(Arrays.copyOfRange(memory, ptr, ptr + len));
    if (name == null || !validTopicName(name)) {
      kinds.add(FailureKind.ABI);
      return null;
    }
    if (!manifest.mayRaise(name)) {
      kinds.add(FailureKind.DENIED);
      return null;
    }
    return name;
  }

  private long log(int level, int ptr, int len) {
    Set<FailureKind> kinds = EnumSet.noneOf(FailureKind.class);
    Level lvl =
        switch (level) {
          case 0 -> Level.TRACE;
          case 1 -> Level.DEBUG;
          case 2 -> Level.INFO;
          case 3 -> Level.WARN;
          case 4 -> Level.ERROR;
          default -> null;
        };
    if (lvl == null) {
      kinds.add(FailureKind.ABI);
    }
    boolean inside = inMemory(ptr, len);
    if (!inside) {
      kinds.add(FailureKind.ABI);
    }
    stage(
        "log",
        kinds,
        inside ? len : -1,
        () ->
            new RuleAction.Log(
                lvl,
                LogText.escape(
                    new String(
                        Arrays.copyOfRange(memory, ptr, ptr + len), StandardCharsets.UTF_8))));
    return 0;
  }

  private long stateGet(int keyPtr, int keyLen, int buf, int cap) {
    String key = stateKey("state_get", keyPtr, keyLen);
    if (key == null || cap < 0) {
      return ERR_INVALID;
    }
    byte[] value = (working != null ? working : committed).get(key);
    if (value == null) {
      return ERR_NOT_FOUND;
    }
    int n = Math.min(cap, value.length);
    if (!inMemory(buf, n)) {
      throw end(FailureKind.ABI, "state_get", "buffer outside memory");
    }
    System.arraycopy(value, 0, memory, buf, n);
    return value.length;
  }

  private long statePut(int keyPtr, int keyLen, int valPtr, int valLen) {
    if (init) {
      return ERR_STATE;
    }
    String key = stateKey("state_put", keyPtr, keyLen);
    if (key == null || valLen < 0) {
      return ERR_INVALID;
    }
    if (!inMemory(valPtr, valLen)) {
      throw end(FailureKind.ABI, "state_put", "value outside memory");
    }
    Map<String, byte[]> next = new TreeMap<>(working != null ? working : committed);
    if (valLen == 0) {
      next.remove(key);
    } else {
      next.put(key, Arrays.copyOfRange(memory, valPtr, valPtr + valLen));
    }
    if (sizeOf(next) > stateBytes) {
      throw end(FailureKind.LIMIT, "state_put", "state beyond limits.state_bytes");
    }
    working = next;
    return 0;
  }

  static int sizeOf(Map<String, byte[]> state) {
    int size = 0;
    for (var e : state.entrySet()) {
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().length;
    }
    return size;
  }

  // ---- helpers ----

  /**
   * Stages an action unless {@code kinds} holds a problem or a limit is hit.
   *
   * @param size bytes counted against max_action_bytes; negative if not known (the call fails)
   */
  private long stage(
      String fn, Set<FailureKind> kinds, long size, java.util.function.Supplier<RuleAction> make) {
    if (staged.size() >= maxActions || size >= 0 && stagedBytes + size > maxActionBytes) {
      kinds.add(FailureKind.LIMIT);
    }
    if (!kinds.isEmpty()) {
      throw new End(new Ends(kinds, fn, init ? "emit during init or bad arguments" : "bad call"));
    }
    staged.add(make.get());
    stagedBytes += size;
    return 0;
  }

  /** A name's text: null for a bad length or bad UTF-8; a name outside memory ends the call. */
  private String name(String fn, int ptr, int len, int max) {
    if (len < 0 || len > max) {
      return null;
    }
    if (!inMemory(ptr, len)) {
      throw end(FailureKind.ABI, fn, "name outside memory");
    }
    return strictUtf8(Arrays.copyOfRange(memory, ptr, ptr + len));
  }

  private String stateKey(String fn, int ptr, int len) {
    return len < 1 || len > MAX_KEY ? null : name(fn, ptr, len, MAX_KEY);
  }

  private boolean inMemory(int ptr, int len) {
    return Integer.toUnsignedLong(ptr) + Integer.toUnsignedLong(len) <= memory.length;
  }

  private static End end(FailureKind kind, String fn, String why) {
    return new End(new Ends(EnumSet.of(kind), fn, why));
  }

  static String strictUtf8(byte[] bytes) {
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

  private static int i(long v) {
    return (int) v;
  }
}
