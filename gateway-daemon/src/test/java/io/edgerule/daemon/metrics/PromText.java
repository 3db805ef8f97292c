package io.edgerule.daemon.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Prometheus text format (version 0.0.4) into series → value, for tests. A series is the
 * name with its labels as written, e.g. {@code edgerule_device_polls_total{device="tank",...}}.
 * Fails on any line that is not a comment, a blank or a sample, so a malformed export is caught.
 */
public final class PromText {
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)(?: \\d+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final Map<String, Double> series;

  private PromText(Map<String, Double> series) {
    this.series = series;
  }

  public static PromText parse(String text) {
    Map<String, Double> out = new LinkedHashMap<>();
    int n = 0;
    for (String line : text.split("\n")) {
      n++;
      if (line.isBlank() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("line " + n + " is not a sample: " + line);
      }
      String labels = m.group(2) == null ? "" : m.group(2);
      if (!labels.isEmpty()) {
        String inner = labels.substring(1, labels.length() - 1);
        String rest = LABEL.matcher(inner).replaceAll("").replace(",", "");
        if (!rest.isEmpty()) {
          throw new AssertionError("line " + n + " has malformed labels: " + line);
        }
      }
      double v =
          switch (m.group(3)) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(m.group(3));
          };
      out.put(m.group(1) + labels, v);
    }
    return new PromText(out);
  }

  /** The value of one series, e.g. {@code value("x_total", "device", "tank")}; null if absent. */
  public Double value(String name, String... labelPairs) {
    for (Map.Entry<String, Double> e : series.entrySet()) {
      if (matches(e.getKey(), name, labelPairs)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static boolean matches(String series, String name, String... pairs) {
    if (!series.equals(name) && !series.startsWith(name + "{")) {
      return false;
    }
    for (int i = 0; i < pairs.length; i += 2) {
      if (!series.contains(pairs[i] + "=\"" + pairs[i + 1] + "\"")) {
        return false;
      }
    }
    return true;
  }

  public Map<String, Double> all() {
    return series;
  }
}
