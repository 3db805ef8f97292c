package io.edgerule.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SerialNativeTest {
  private static final String LIBRARY = "/Linux/riscv64/libjSerialComm.so";

  @Test
  void riscv64LinuxGetsTheArchitectureOverride() {
    assertEquals(Optional.of("riscv64"), SerialNative.archOverride("Linux", "riscv64", null));
    assertEquals(Optional.of("riscv64"), SerialNative.archOverride("Linux", "riscv64", ""));
  }

  @Test
  void architecturesJSerialCommShipsAreLeftToItsOwnDetection() {
    for (String arch : new String[] {"amd64", "aarch64", "arm", "ppc64le", "x86"}) {
      assertEquals(Optional.empty(), SerialNative.archOverride("Linux", arch, null), arch);
    }
    assertEquals(Optional.empty(), SerialNative.archOverride("FreeBSD", "riscv64", null));
  }

  @Test
  void anOverrideTheOperatorSetIsKept() {
    assertEquals(Optional.empty(), SerialNative.archOverride("Linux", "riscv64", "x86_64"));
  }

  /** An ELF shared object for RISC-V, 64-bit little-endian, where jSerialComm looks for it. */
  @Test
  void theBundledLibraryIsARiscv64SharedObject() throws IOException {
    byte[] lib = library();
    assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(lib, 4));
    assertEquals(2, lib[4], "ELFCLASS64");
    assertEquals(1, lib[5], "little-endian");
    ByteBuffer header = ByteBuffer.wrap(lib).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(3, header.getShort(16), "e_type ET_DYN (shared object)");
    assertEquals(0xF3, header.getShort(18), "e_machine EM_RISCV");
  }

  /**
   * jSerialComm refuses a native library whose version differs from its own: after a jSerialComm
   * upgrade this fails until packaging/native/jserialcomm is refreshed and the library rebuilt.
   */
  @Test
  void theBundledLibraryIsBuiltFromThePinnedJSerialCommVersion() throws IOException {
    String pinned = SerialPort.getVersion();
    byte[] needle = ("\0" + pinned + "\0").getBytes(StandardCharsets.US_ASCII);
    assertTrue(
        indexOf(library(), needle) >= 0,
        "libjSerialComm.so for riscv64 does not carry version "
            + pinned
            + ": rebuild it from jSerialComm "
            + pinned
            + "'s sources (packaging/native/jserialcomm/README.md)");
  }

  private static byte[] library() throws IOException {
    try (InputStream in = SerialNative.class.getResourceAsStream(LIBRARY)) {
      assertNotNull(in, LIBRARY + " is missing from the jar");
      return in.readAllBytes();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
