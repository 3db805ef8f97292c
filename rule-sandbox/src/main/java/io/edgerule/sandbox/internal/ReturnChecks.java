package io.edgerule.sandbox.internal;

import com.dylibso.chicory.compiler.internal.ClassCollector;
import com.dylibso.chicory.compiler.internal.ClassLoadingCollector;
import com.dylibso.chicory.compiler.internal.Shaded;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import java.util.Map;
import java.util.function.Function;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Adds an interruption check before every return of a compiled wasm function, so that the deadline
 * holds however a rule shapes its code.
 *
 * <p>Chicory's compiler checks {@code Thread.isInterrupted()} before each call and on each backward
 * branch; the sandbox's memory and tables check in bulk instructions ({@link BulkWork}). The code
 * after a call site was unchecked: a rule that recursed a few thousand frames deep (each call
 * checked, and fast) and then returned through a long straight-line tail in every frame ran 1-2 s
 * past a 50 ms deadline, returned normally and committed. With a check before each return, the
 * interrupt stops the rule at the end of the function it is in: what runs after the watchdog's
 * interrupt is at most the rest of one function body, which Chicory compiles into one JVM method of
 * at most 65,535 bytes of bytecode (a larger one refuses the load), plus at most one bulk chunk.
 *
 * <p>The classes are rewritten as Chicory's compiler hands them to its collector, before they are
 * defined: Chicory's {@code ClassCollector} is the documented seam for where class bytes go (its
 * own {@code ByteClassCollector} writes them to files). The check called is Chicory's own, so an
 * interrupted rule ends with the same {@code ChicoryInterruptedException} as at its other checks. A
 * function the three extra bytes per return push over the JVM's method size fails the load with
 * Chicory's "exceeds the Java method size limits" message, naming the function.
 */
public final class ReturnChecks implements ClassCollector {
  /** Where Chicory's compiled code puts wasm function {@code N}: a static method {@code func_N}. */
  private static final String FUNCTION_PREFIX = "func_";

  private static final String CHECK_OWNER = Type.getInternalName(Shaded.class);
  private static final String CHECK_NAME = "checkInterruption";
  private static final String CHECK_DESCRIPTOR = "()V";

  static {
    try {
      // Fails the sandbox's start (not a rule's load) if a Chicory upgrade renames the check.
      Shaded.class.getMethod(CHECK_NAME);
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ClassLoadingCollector target = new ClassLoadingCollector();

  @Override
  public String mainClassName() {
    return target.mainClassName();
  }

  @Override
  public void putMainClass(String className, byte[] bytes) {
    target.putMainClass(className, withReturnChecks(bytes));
  }

  @Override
  public void put(String name, byte[] data) {
    target.put(name, withReturnChecks(data));
  }

  /** From another collector of this kind (Chicory's per-chunk trial): already rewritten. */
  @Override
  public void putAll(ClassCollector collector) {
    target.putAll(collector);
  }

  @Override
  public Map<String, byte[]> classBytes() {
    return target.classBytes();
  }

  @Override
  public byte[] resolve(Class<?> clazz) {
    return target.resolve(clazz);
  }

  /** The factory of machines running the rewritten classes. */
  public Function<Instance, Machine> machineFactory() {
    return target.machineFactory();
  }

  /** The class with a check before every return of every {@code func_N} method. */
  static byte[] withReturnChecks(byte[] classBytes) {
    ClassReader reader = new ClassReader(classBytes);
    // Sharing the reader's constant pool copies untouched methods as they are. The inserted call
    // takes and leaves nothing on the operand stack and adds no branch target, so max stack and
    // the stack map frames stay valid (ASM moves the frames' offsets).
    ClassWriter writer = new ClassWriter(reader, 0);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            return name.startsWith(FUNCTION_PREFIX) ? new CheckBeforeReturn(mv) : mv;
          }
        },
        0);
    return writer.toByteArray();
  }

  private static final class CheckBeforeReturn extends MethodVisitor {
    CheckBeforeReturn(MethodVisitor target) {
      super(Opcodes.ASM9, target);
    }

    @Override
    public void visitInsn(int opcode) {
      if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
        super.visitMethodInsn(
            Opcodes.INVOKESTATIC, CHECK_OWNER, CHECK_NAME, CHECK_DESCRIPTOR, false);
      }
      super.visitInsn(opcode);
    }
  }
}
