package io.edgerule.daemon.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic text mutations for fuzz tests: truncation, character flips, insertions, deletions,
 * control characters, duplicated and swapped lines, repeated spans (long lines) and tokens from a
 * dictionary of hostile values. Each call describes what it did so a failure names the mutation;
 * the same seed always gives the same mutants.
 */
public final class Mutator {
  /** Characters that matter to YAML or JSON syntax, plus some that never should appear. */
  private static final String SYNTAX = ":{}[],-#&*!|>'\"%@`?~\\/ \t\n\r.=+0123456789eEaZ";

  private static final String[] CONTROL = {
    "\u0000", "\u0001", "\u0007", "\u0008", "\u000b", "\u000c", "\u001b", "\u007f", "\u0085",
    "\u2028", "\ufeff", "\ud800", "\udfff", "\ufffe", "\t", "\r", "\r\n"
  };

  private final SplittableRandom random;
  private final List<String> dictionary;

  public Mutator(long seed, List<String> dictionary) {
    this.random = new SplittableRandom(seed);
    this.dictionary = List.copyOf(dictionary);
  }

  /** A mutant and how it was made (for assertion messages). */
  public record Mutant(String text, String how) {
    /** The text shortened for a message, with control characters escaped. */
    public String shown() {
      return Mutator.shown(text);
    }
  }

  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  /** One to three mutations of {@code seed}. */
  public Mutant mutate(String seed) {
    String text = seed;
    List<String> how = new ArrayList<>();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      text = once(text, how);
    }
    return new Mutant(text, String.join("; ", how));
  }

  private String once(String t, List<String> how) {
    int at = t.isEmpty() ? 0 : random.nextInt(t.length() + 1);
    switch (random.nextInt(11)) {
      case 0 -> {
        how.add("truncate at " + at);
        return t.substring(0, at);
      }
      case 1 -> {
        if (at >= t.length()) {
          return t;
        }
        char c = SYNTAX.charAt(random.nextInt(SYNTAX.length()));
        how.add("flip " + at + " to " + shown(String.valueOf(c)));
        return t.substring(0, at) + c + t.substring(at + 1);
      }
      case 2 -> {
        String token = dictionary.get(random.nextInt(dictionary.size()));
        how.add("insert " + shown(token) + " at " + at);
        return t.substring(0, at) + token + t.substring(at);
      }
      case 3 -> {
        int end = Math.min(t.length(), at + 1 + random.nextInt(12));
        how.add("delete " + at + ".." + end);
        return at >= t.length() ? t : t.substring(0, at) + t.substring(end);
      }
      case 4 -> {
        String c = CONTROL[random.nextInt(CONTROL.length)];
        how.add("control " + shown(c) + " at " + at);
        return t.substring(0, at) + c + t.substring(at);
      }
      case 5 -> {
        List<String> lines = new ArrayList<>(List.of(t.split("\n", -1)));
        int i = random.nextInt(lines.size());
        lines.add(i, lines.get(i));
        how.add("duplicate line " + (i + 1));
        return String.join("\n", lines);
      }
      case 6 -> {
        List<String> lines = new ArrayList<>(List.of(t.split("\n", -1)));
        int i = random.nextInt(lines.size());
        int j = random.nextInt(lines.size());
        String li = lines.get(i);
        lines.set(i, lines.get(j));
        lines.set(j, li);
        how.add("swap lines " + (i + 1) + " and " + (j + 1));
        return String.join("\n", lines);
      }
      case 7 -> {
        // A value replaced: whatever follows ": " or ":" up to the next delimiter.
        int colon = t.indexOf(':', at);
        if (colon < 0) {
          return t;
        }
        int end = colon + 1;
        while (end < t.length() && ",}]\n".indexOf(t.charAt(end)) < 0) {
          end++;
        }
        String token = dictionary.get(random.nextInt(dictionary.size()));
        how.add("value after " + colon + " := " + shown(token));
        return t.substring(0, colon + 1) + " " + token + t.substring(end);
      }
      case 8 -> {
        List<String> lines = new ArrayList<>(List.of(t.split("\n", -1)));
        int i = random.nextInt(lines.size());
        String indent =
            switch (random.nextInt(3)) {
              case 0 -> " ";
              case 1 -> "\t";
              default -> "   ";
            };
        boolean remove = random.nextBoolean() && lines.get(i).startsWith(" ");
        lines.set(i, remove ? lines.get(i).substring(1) : indent + lines.get(i));
        how.add((remove ? "dedent" : "indent " + shown(indent)) + " line " + (i + 1));
        return String.join("\n", lines);
      }
      case 9 -> {
        int end = Math.min(t.length(), at + 1 + random.nextInt(8));
        int times = 2 + random.nextInt(random.nextBoolean() ? 10 : 2_000);
        how.add("repeat " + at + ".." + end + " x" + times);
        return t.substring(0, at) + t.substring(at, end).repeat(times) + t.substring(at);
      }
      default -> {
        int nest = 1 + random.nextInt(random.nextBoolean() ? 5 : 1_500);
        boolean list = random.nextBoolean();
        String open = list ? "[" : "{\"a\": ";
        String close = list ? "]" : "}";
        how.add("nest x" + nest + (list ? " lists" : " maps") + " at " + at);
        return t.substring(0, at) + open.repeat(nest) + "1" + close.repeat(nest) + t.substring(at);
      }
    }
  }

  /** Text for a message: escaped and at most ~300 characters. */
  public static String shown(String text) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length() && b.length() < 300; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        b.append("\\n");
      } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (b.length() >= 300) {
      b.append("...(").append(text.length()).append(" chars)");
    }
    return b.toString();
  }
}
