package io.edgerule.serial;

import java.util.Locale;
import java.util.Optional;

/**
 * Makes jSerialComm find a native library for architectures it does not ship one for.
 *
 * <p>jSerialComm 2.11.4 carries Linux natives for x86, ARM and ppc64le only. This module's jar
 * carries {@code /Linux/riscv64/libjSerialComm.so}, built from jSerialComm's own C sources at the
 * pinned version (packaging/native/jserialcomm). jSerialComm looks a resource up under the names in
 * its architecture list, which has no riscv64 entry; its documented override, the system property
 * {@code os.arch_full}, replaces that list by one name. {@link #prepare()} sets it to {@code
 * riscv64} on a riscv64 JVM, so jSerialComm then extracts and loads our library exactly as it does
 * its own (with its version check). A value the operator set on the command line is left alone.
 *
 * <p>The property is read once, when jSerialComm's {@code SerialPort} class initialises: call
 * {@link #prepare()} before the first use of {@code SerialPort}.
 */
public final class SerialNative {
  /** jSerialComm's override of its architecture detection (README, "Troubleshooting"). */
  static final String ARCH_PROPERTY = "os.arch_full";

  private SerialNative() {}

  /** Points jSerialComm at this module's native library when the JVM runs on riscv64. */
  public static void prepare() {
    archOverride(
            System.getProperty("os.name", ""),
            System.getProperty("os.arch", ""),
            System.getProperty(ARCH_PROPERTY))
        .ifPresent(arch -> System.setProperty(ARCH_PROPERTY, arch));
  }

  /**
   * The value {@code os.arch_full} needs, if it needs one.
   *
   * @param osName {@code os.name}
   * @param osArch {@code os.arch}
   * @param archFull {@code os.arch_full}, or null when unset
   */
  static Optional<String> archOverride(String osName, String osArch, String archFull) {
    if (archFull != null && !archFull.isEmpty()) {
      return Optional.empty();
    }
    boolean linux = osName.toLowerCase(Locale.ROOT).contains("linux");
    return linux && osArch.equals("riscv64") ? Optional.of("riscv64") : Optional.empty();
  }
}
