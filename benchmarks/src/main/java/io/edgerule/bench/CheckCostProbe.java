package io.edgerule.bench;

import com.dylibso.chicory.compiler.internal.ClassLoadingCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.Arrays;
import java.util.function.Function;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * What the checks in Chicory's generated code cost the reference rule: the interruption check on
 * every loop back edge and call ({@code checkInterruption}: a volatile read after which the JIT
 * must reload the memory's array), the sign test in {@code getAddr} before every load and store,
 * and the sandbox's own check before every return ({@code ReturnChecks}). It compiles the module
 * five times, rewriting the generated classes with ASM to leave out neither, one or both of
 * Chicory's, or to add the sandbox's, and times each beside plain Java <em>in one JVM,
 * interleaved</em>: the effect is smaller than the 2x spread between JMH forks on the machines we
 * have (see docs/benchmarks.md), and interleaving in one process cancels that spread out.
 *
 * <p>A measuring instrument only: without the interruption check a looping rule could not be
 * stopped, and without the sign test a negative address would wrap instead of trapping in some
 * memories. Run: {@code java -cp benchmarks/target/benchmarks.jar io.edgerule.bench.CheckCostProbe
 * [rounds]}.
 */
public final class CheckCostProbe {
  private static final int BATCH = 64;
  private static final int BATCHES_PER_ROUND = 20_000;

  private enum Variant {
    CHICORY(false, false, false),
    /** What the sandbox runs: Chicory's code plus a check before every return (ReturnChecks). */
    WITH_RETURN_CHECKS(false, false, true),
    NO_INTERRUPTION_CHECK(true, false, false),
    NO_ADDRESS_SIGN_TEST(false, true, false),
    NEITHER(true, true, false);

    final boolean dropInterruptionCheck;
    final boolean dropSignTest;
    final boolean returnChecks;

    Variant(boolean dropInterruptionCheck, boolean dropSignTest, boolean returnChecks) {
      this.dropInterruptionCheck = dropInterruptionCheck;
      this.dropSignTest = dropSignTest;
      this.returnChecks = returnChecks;
    }
  }

  private int step;

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    new CheckCostProbe().run(rounds);
  }

  private void run(int rounds) {
    Variant[] variants = Variant.values();
    RawWasm[] rules = new RawWasm[variants.length];
    for (int v = 0; v < variants.length; v++) {
      rules[v] =
          new RawWasm(
              Parser.parse(Fixtures.referenceWasm()),
              compilerWithout(variants[v]),
              RawWasm.MemoryKind.FLAT,
              BATCH);
    }
    ReferenceRule java = new ReferenceRule();
    for (int i = 0; i < 200; i++) { // warm-up: every variant reaches C2 before timing starts
      for (RawWasm rule : rules) {
        timeWasm(rule, 2_000);
      }
      timeJava(java, 2_000);
    }
    double[][] nanosPerBatch = new double[variants.length + 1][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int v = 0; v < variants.length; v++) {
        nanosPerBatch[v][r] = timeWasm(rules[v], BATCHES_PER_ROUND);
      }
      nanosPerBatch[variants.length][r] = timeJava(java, BATCHES_PER_ROUND);
    }
    double javaMedian = median(nanosPerBatch[variants.length]);
    System.out.printf("plainJava              %6.0f ns per batch of %d%n", javaMedian, BATCH);
    for (int v = 0; v < variants.length; v++) {
      double m = median(nanosPerBatch[v]);
      System.out.printf(
          "%-22s %6.0f ns per batch, %.2fx plainJava%n", variants[v], m, m / javaMedian);
    }
    int actions = java.actions;
    for (RawWasm rule : rules) {
      actions += rule.actions;
    }
    System.out.println("(actions, so nothing is optimised away: " + actions + ")");
  }

  private double timeWasm(RawWasm rule, int batches) {
    int s = step;
    long start = System.nanoTime();
    for (int i = 0; i < batches; i++) {
      rule.deliver(s, BATCH);
      s = (s + BATCH) % Fixtures.RING;
    }
    step = s;
    return (System.nanoTime() - start) / (double) batches;
  }

  private double timeJava(ReferenceRule java, int batches) {
    int s = step;
    long start = System.nanoTime();
    for (int i = 0; i < batches; i++) {
      for (int k = 0; k < BATCH; k++) {
        java.onSample(Fixtures.temperature(s + k));
      }
      s = (s + BATCH) % Fixtures.RING;
    }
    step = s;
    return (System.nanoTime() - start) / (double) batches;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Chicory's compiler with its generated classes rewritten as the variant says. */
  private static Function<WasmModule, Function<Instance, Machine>> compilerWithout(
      Variant variant) {
    return module -> {
      if (variant.returnChecks) {
        return RawWasm.withReturnChecks(module);
      }
      var result =
          Compiler.builder(module)
              .withClassCollectorFactory(() -> new RewritingCollector(variant))
              .build()
              .compile();
      return ((ClassLoadingCollector) result.collector()).machineFactory();
    };
  }

  private static final class RewritingCollector extends ClassLoadingCollector {
    private final Variant variant;

    RewritingCollector(Variant variant) {
      this.variant = variant;
    }

    @Override
    public void put(String name, byte[] bytes) {
      super.put(name, rewrite(bytes, variant));
    }

    @Override
    public void putMainClass(String name, byte[] bytes) {
      super.putMainClass(name, rewrite(bytes, variant));
    }
  }

  private static byte[] rewrite(byte[] classBytes, Variant variant) {
    ClassWriter out = new ClassWriter(0);
    new ClassReader(classBytes)
        .accept(
            new ClassVisitor(Opcodes.ASM9, out) {
              @Override
              public MethodVisitor visitMethod(
                  int access, String name, String desc, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, desc, signature, exceptions);
                if (variant.dropSignTest && name.equals("getAddr") && desc.equals("(II)I")) {
                  // Chicory's body: base < 0 ? base : base + offset. Ours: base + offset.
                  mv.visitCode();
                  mv.visitVarInsn(Opcodes.ILOAD, 0);
                  mv.visitVarInsn(Opcodes.ILOAD, 1);
                  mv.visitInsn(Opcodes.IADD);
                  mv.visitInsn(Opcodes.IRETURN);
                  mv.visitMaxs(2, 2);
                  mv.visitEnd();
                  return null;
                }
                return new MethodVisitor(Opcodes.ASM9, mv) {
                  @Override
                  public void visitMethodInsn(
                      int opcode, String owner, String method, String mdesc, boolean itf) {
                    boolean interruptionCheck =
                        opcode == Opcodes.INVOKESTATIC && method.equals("checkInterruption");
                    if (!(interruptionCheck && variant.dropInterruptionCheck)) {
                      super.visitMethodInsn(opcode, owner, method, mdesc, itf); // ()V: no stack
                    }
                  }
                };
              }
            },
            0);
    return out.toByteArray();
  }
}
