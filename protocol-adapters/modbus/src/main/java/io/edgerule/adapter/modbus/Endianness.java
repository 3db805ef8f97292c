package io.edgerule.adapter.modbus;

/**
 * Order of the parts of a multi-part value: for {@code word_order}, which 16-bit register comes
 * first; for {@code byte_order}, which byte of each register comes first. BIG (most significant
 * first) is the Modbus standard; many devices use LITTLE word order for 32-bit values.
 */
public enum Endianness {
  BIG,
  LITTLE
}
