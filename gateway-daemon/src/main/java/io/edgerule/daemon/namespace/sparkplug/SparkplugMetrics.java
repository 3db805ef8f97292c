package io.edgerule.daemon.namespace.sparkplug;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.ValueType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.eclipse.tahu.SparkplugInvalidTypeException;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.PropertyDataType;
import org.eclipse.tahu.message.model.PropertySet;
import org.eclipse.tahu.message.model.PropertyValue;
import org.eclipse.tahu.message.model.SparkplugBPayload;

/**
 * Our point values as Sparkplug B metrics (Tahu's model) and payloads as bytes (Tahu's encoder).
 * Types: bool → Boolean, int64 → Int64, float64 → Double, string → String, bytes → Bytes. A value
 * that is not GOOD carries the properties {@code Quality} (Int32, the OPC codes Sparkplug hosts
 * such as Ignition read: 192 good, 64 uncertain, 0 bad; absent means good) and {@code Quality
 * Reason} (String); a point without a value is sent with {@code is_null}.
 */
final class SparkplugMetrics {
  static final int QUALITY_GOOD = 192;
  static final int QUALITY_UNCERTAIN = 64;
  static final int QUALITY_BAD = 0;

  private static final SparkplugBPayloadEncoder ENCODER = new SparkplugBPayloadEncoder();

  private SparkplugMetrics() {}

  static MetricDataType dataType(ValueType type) {
    return switch (type) {
      case BOOL -> MetricDataType.Boolean;
      case INT64 -> MetricDataType.Int64;
      case FLOAT64 -> MetricDataType.Double;
      case STRING -> MetricDataType.String;
      case BYTES -> MetricDataType.Bytes;
    };
  }

  /**
   * The Java value Tahu expects for a metric of {@code type}, or null (sent as {@code is_null})
   * when there is none or it has another type than the point declared (an adapter bug: the birth's
   * datatype is what the host holds us to).
   */
  static Object javaValue(ValueType type, PointValue v) {
    if (v == null || v.type() != type) {
      return null;
    }
    return switch (type) {
      case BOOL -> ((PointValue.Bool) v).value();
      case INT64 -> ((PointValue.Int64) v).value();
      case FLOAT64 -> ((PointValue.Float64) v).value();
      case STRING -> ((PointValue.Text) v).value();
      case BYTES -> ((PointValue.Bytes) v).value();
    };
  }

  /**
   * One point's metric.
   *
   * @param name null in DDATA (the alias stands for it)
   * @param event the point's latest event, or null when none arrived yet (value null)
   */
  static Metric point(String name, long alias, ValueType type, PointEvent event) {
    PropertySet props = event == null ? null : quality(event.quality());
    return metric(
        name,
        alias,
        dataType(type),
        event == null ? null : javaValue(type, event.value()),
        event == null ? null : event.sourceTime(),
        props);
  }

  static PropertySet quality(Quality q) {
    if (q.isGood()) {
      return null;
    }
    int code = q.status() == Quality.Status.BAD ? QUALITY_BAD : QUALITY_UNCERTAIN;
    PropertySet props = new PropertySet();
    props.put("Quality", property(PropertyDataType.Int32, code));
    props.put("Quality Reason", property(PropertyDataType.String, q.reason()));
    return props;
  }

  static PropertyValue<PropertyDataType> property(PropertyDataType type, Object value) {
    try {
      return new PropertyValue<>(type, value);
    } catch (SparkplugInvalidTypeException e) {
      throw new IllegalArgumentException("property of type " + type + ": " + value, e);
    }
  }

  /**
   * @param name null to send the alias only
   * @param alias negative for none
   */
  static Metric metric(
      String name,
      long alias,
      MetricDataType type,
      Object value,
      Instant time,
      PropertySet properties) {
    try {
      Metric.MetricBuilder b = new Metric.MetricBuilder(name, type, value);
      if (alias >= 0) {
        b.alias(alias);
      }
      if (time != null) {
        b.timestamp(Date.from(time));
      }
      if (properties != null) {
        b.properties(properties);
      }
      return b.createMetric();
    } catch (SparkplugInvalidTypeException e) {
      throw new IllegalArgumentException("metric " + name + " of type " + type + ": " + value, e);
    }
  }

  /**
   * @param seq null for none (the link numbers messages as they go onto the wire)
   * @param epoch what the payload's {@code uuid} carries to the link ({@link Epochs}), or null
   */
  static byte[] encode(Instant time, Long seq, List<Metric> metrics, String epoch) {
    SparkplugBPayload p = new SparkplugBPayload(Date.from(time), metrics, seq, epoch, null);
    try {
      return ENCODER.getBytes(p, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen encoding to memory", e);
    }
  }
}
