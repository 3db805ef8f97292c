package io.edgerule.adapter.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The label names and values of one meter, in order, e.g. {@code device="tank"}. Names follow
 * Prometheus ({@code [a-zA-Z_][a-zA-Z0-9_]*}, not starting with {@code __}); values are any text.
 */
public record Labels(List<String> names, List<String> values) {
  public static final Labels NONE = new Labels(List.of(), List.of());

  public Labels {
    names = List.copyOf(names);
    values = List.copyOf(values);
    if (names.size() != values.size()) {
      throw new IllegalArgumentException(
          "labels " + names + " have " + values.size() + " values: " + values);
    }
    for (int i = 0; i < names.size(); i++) {
      MetricNames.checkLabel(names.get(i));
      if (names.subList(0, i).contains(names.get(i))) {
        throw new IllegalArgumentException("label '" + names.get(i) + "' given twice: " + names);
      }
    }
  }

  /** One label. */
  public static Labels of(String name, String value) {
    return new Labels(List.of(name), List.of(Objects.requireNonNull(value, name)));
  }

  /** Two labels. */
  public static Labels of(String name1, String value1, String name2, String value2) {
    return NONE.and(name1, value1).and(name2, value2);
  }

  /** These labels and one more. */
  public Labels and(String name, String value) {
    Objects.requireNonNull(value, name);
    List<String> n = new ArrayList<>(names);
    List<String> v = new ArrayList<>(values);
    n.add(name);
    v.add(value);
    return new Labels(n, v);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < names.size(); i++) {
      b.append(i == 0 ? "" : ",").append(names.get(i)).append("=\"").append(values.get(i));
      b.append('"');
    }
    return b.append('}').toString();
  }
}
