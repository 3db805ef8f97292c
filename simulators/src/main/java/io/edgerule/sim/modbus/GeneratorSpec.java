package io.edgerule.sim.modbus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A generator written on the command line: {@code TABLE:ADDRESS:ENCODING=KIND(ARGS)}, e.g. {@code
 * ir:0:float32=sine(20,5,50)} or {@code co:3:bool=script(0,1,1,0)}.
 *
 * <p>Kinds: {@code const(v)}, {@code ramp(start,step,min,max)}, {@code
 * sine(center,amplitude,period_ticks)}, {@code walk(start,max_step,min,max[,seed])}, {@code
 * step(before,after,at_tick)}, {@code script(v1,v2,...)} (repeats).
 */
public record GeneratorSpec(
    SimTable table, int address, SimEncoding encoding, String kind, List<Double> args) {
  private static final Pattern SYNTAX =
      Pattern.compile("\\s*(\\w+):(\\d+):(\\w+)\\s*=\\s*(\\w+)\\s*\\(([^)]*)\\)\\s*");

  public GeneratorSpec {
    args = List.copyOf(args);
  }

  public static GeneratorSpec parse(String text) {
    Matcher m = SYNTAX.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "generator '"
              + text
              + "': expected TABLE:ADDRESS:ENCODING=KIND(ARGS),"
              + " e.g. ir:0:float32=sine(20,5,50)");
    }
    SimTable table = SimTable.parse(m.group(1));
    int address = Integer.parseInt(m.group(2));
    if (address > 0xFFFF) {
      throw new IllegalArgumentException("generator '" + text + "': address must be 0..65535");
    }
    SimEncoding encoding = SimEncoding.parse(m.group(3));
    String kind = m.group(4).toLowerCase(Locale.ROOT);
    List<Double> args = new ArrayList<>();
    if (!m.group(5).isBlank()) {
      for (String a : m.group(5).split(",")) {
        try {
          args.add(Double.parseDouble(a.trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "generator '" + text + "': '" + a.trim() + "' is not a number");
        }
      }
    }
    GeneratorSpec spec = new GeneratorSpec(table, address, encoding, kind, args);
    spec.generator(); // validates kind and argument count now
    return spec;
  }

  /** A fresh generator for this spec. */
  public ValueGenerator generator() {
    return switch (kind) {
      case "const", "constant" -> {
        need(1, "const(value)");
        yield Generators.constant(args.get(0));
      }
      case "ramp" -> {
        need(4, "ramp(start,step,min,max)");
        yield Generators.ramp(args.get(0), args.get(1), args.get(2), args.get(3));
      }
      case "sine" -> {
        need(3, "sine(center,amplitude,period_ticks)");
        yield Generators.sine(args.get(0), args.get(1), args.get(2));
      }
      case "walk" -> {
        if (args.size() != 4 && args.size() != 5) {
          throw bad("walk(start,max_step,min,max[,seed])");
        }
        long seed = args.size() == 5 ? args.get(4).longValue() : 1;
        yield Generators.randomWalk(args.get(0), args.get(1), args.get(2), args.get(3), seed);
      }
      case "step" -> {
        need(3, "step(before,after,at_tick)");
        yield Generators.step(args.get(0), args.get(1), args.get(2).longValue());
      }
      case "script" -> {
        if (args.isEmpty()) {
          throw bad("script(v1,v2,...)");
        }
        yield Generators.scripted(args, true);
      }
      default ->
          throw new IllegalArgumentException(
              "generator kind '" + kind + "' unknown: use const, ramp, sine, walk, step or script");
    };
  }

  private void need(int n, String usage) {
    if (args.size() != n) {
      throw bad(usage);
    }
  }

  private IllegalArgumentException bad(String usage) {
    return new IllegalArgumentException(
        "generator " + kind + " takes " + usage + ", got " + args.size() + " arguments");
  }
}
