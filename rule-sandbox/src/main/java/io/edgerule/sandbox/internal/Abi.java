package io.edgerule.sandbox.internal;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * ABI v1 as data: export and import names and signatures, status codes, the event record layout.
 * docs/reference/rule-abi.md is the prose of this file; keep them in step.
 */
public final class Abi {
  private Abi() {}

  public static final int VERSION = 1;
  public static final String MARKER_PREFIX = "edgerule_abi_v";
  public static final String MARKER = MARKER_PREFIX + VERSION;
  public static final String IMPORT_MODULE = "gw";

  // ---- exports ----
  public static final String MEMORY = "memory";
  public static final String INIT = "er_init";
  public static final String BUFFER = "er_buffer";
  public static final String ON_EVENTS = "er_on_events";
  public static final String ON_TICK = "er_on_tick";

  public static final FunctionType MARKER_TYPE = FunctionType.empty();
  public static final FunctionType INIT_TYPE = type(List.of(), List.of(ValType.I32));
  public static final FunctionType BUFFER_TYPE = type(List.of(ValType.I32), List.of(ValType.I32));
  public static final FunctionType ON_EVENTS_TYPE =
      type(List.of(ValType.I32, ValType.I32), List.of(ValType.I32));
  public static final FunctionType ON_TICK_TYPE = INIT_TYPE;

  // ---- status codes returned by gw.* functions (and expected from the rule's exports) ----
  public static final int OK = 0;

  /** Malformed argument: a name that is not a valid point/topic name, bad UTF-8. */
  public static final int ERR_INVALID = -1;

  /** No such point id / name. */
  public static final int ERR_NOT_FOUND = -2;

  /** The manifest does not grant this point or topic. */
  public static final int ERR_DENIED = -3;

  /** Not allowed in this phase (e.g. point_id outside er_init). */
  public static final int ERR_STATE = -4;

  // ---- event record ----
  public static final int RECORD_SIZE = 32;
  public static final int OFF_POINT_ID = 0;
  public static final int OFF_VALUE_TYPE = 4;
  public static final int OFF_QUALITY = 5;
  public static final int OFF_FLAGS = 6;
  public static final int OFF_VALUE = 8;
  public static final int OFF_SOURCE_TIME = 16;
  public static final int OFF_SEQUENCE = 24;

  public static final int TYPE_NONE = 0;
  public static final int TYPE_BOOL = 1;
  public static final int TYPE_INT64 = 2;
  public static final int TYPE_FLOAT64 = 3;
  public static final int TYPE_STRING = 4;
  public static final int TYPE_BYTES = 5;

  public static final int QUALITY_GOOD = 0;
  public static final int QUALITY_UNCERTAIN = 1;
  public static final int QUALITY_BAD = 2;

  // ---- publish flags ----
  public static final int FLAG_QOS_MASK = 0b011;
  public static final int FLAG_RETAIN = 0b100;

  // ---- log levels ----
  public static final int LOG_TRACE = 0;
  public static final int LOG_DEBUG = 1;
  public static final int LOG_INFO = 2;
  public static final int LOG_WARN = 3;
  public static final int LOG_ERROR = 4;

  /** Alarm severities, as in OPC UA Alarms & Conditions. */
  public static final int SEVERITY_MIN = 1;

  public static final int SEVERITY_MAX = 1000;

  /** Longest state key a rule may pass, in bytes. */
  public static final int MAX_STATE_KEY_BYTES = 128;

  /** Longest point, topic or alarm name a rule may pass, in bytes. */
  public static final int MAX_NAME_BYTES = 256;

  /** Which manifest grant makes an import available. */
  public enum Capability {
    ALWAYS("always available"),
    WRITE("the manifest grants no writable_points"),
    PUBLISH("the manifest grants no topics"),
    ALARM("the manifest grants no alarms"),
    STATE("limits.state_bytes is 0 (no persistent state)");

    /** Why the import is refused when the capability is missing. */
    public final String missing;

    Capability(String missing) {
      this.missing = missing;
    }
  }

  /** One host function of the gw namespace. */
  public record Import(String name, FunctionType type, Capability capability) {}

  private static final ValType I32 = ValType.I32;
  private static final ValType I64 = ValType.I64;
  private static final ValType F64 = ValType.F64;

  public static final String POINT_ID = "point_id";
  public static final String POINT_NAME = "point_name";
  public static final String TOPIC_ID = "topic_id";
  public static final String WRITE_BOOL = "write_bool";
  public static final String WRITE_I64 = "write_i64";
  public static final String WRITE_F64 = "write_f64";
  public static final String PUBLISH = "publish";
  public static final String ALARM_RAISE = "alarm_raise";
  public static final String ALARM_CLEAR = "alarm_clear";
  public static final String LOG = "log";
  public static final String NOW_MS = "now_ms";
  public static final String STATE_GET = "state_get";
  public static final String STATE_PUT = "state_put";

  public static final Map<String, Import> IMPORTS =
      List.of(
              new Import(POINT_ID, type(List.of(I32, I32), List.of(I32)), Capability.ALWAYS),
              new Import(POINT_NAME, type(List.of(I32, I32, I32), List.of(I32)), Capability.ALWAYS),
              new Import(TOPIC_ID, type(List.of(I32, I32), List.of(I32)), Capability.PUBLISH),
              new Import(WRITE_BOOL, type(List.of(I32, I32), List.of(I32)), Capability.WRITE),
              new Import(WRITE_I64, type(List.of(I32, I64), List.of(I32)), Capability.WRITE),
              new Import(WRITE_F64, type(List.of(I32, F64), List.of(I32)), Capability.WRITE),
              new Import(
                  PUBLISH, type(List.of(I32, I32, I32, I32), List.of(I32)), Capability.PUBLISH),
              new Import(
                  ALARM_RAISE,
                  type(List.of(I32, I32, I32, I32, I32), List.of(I32)),
                  Capability.ALARM),
              new Import(ALARM_CLEAR, type(List.of(I32, I32), List.of(I32)), Capability.ALARM),
              new Import(LOG, type(List.of(I32, I32, I32), List.of()), Capability.ALWAYS),
              new Import(NOW_MS, type(List.of(), List.of(I64)), Capability.ALWAYS),
              new Import(
                  STATE_GET, type(List.of(I32, I32, I32, I32), List.of(I32)), Capability.STATE),
              new Import(
                  STATE_PUT, type(List.of(I32, I32, I32, I32), List.of(I32)), Capability.STATE))
          .stream()
          .collect(Collectors.toUnmodifiableMap(Import::name, i -> i));

  private static FunctionType type(List<ValType> params, List<ValType> results) {
    return FunctionType.of(params, results);
  }

  /** Renders a function type the way the docs write it: {@code (i32, i64) -> (i32)}. */
  public static String render(FunctionType type) {
    return "("
        + type.params().stream().map(Abi::render).collect(Collectors.joining(", "))
        + ") -> ("
        + type.returns().stream().map(Abi::render).collect(Collectors.joining(", "))
        + ")";
  }

  private static String render(ValType t) {
    if (t.equals(ValType.I32)) {
      return "i32";
    }
    if (t.equals(ValType.I64)) {
      return "i64";
    }
    if (t.equals(ValType.F32)) {
      return "f32";
    }
    if (t.equals(ValType.F64)) {
      return "f64";
    }
    return t.toString().toLowerCase(java.util.Locale.ROOT);
  }
}
