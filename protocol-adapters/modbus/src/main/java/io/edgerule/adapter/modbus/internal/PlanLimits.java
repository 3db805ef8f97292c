package io.edgerule.adapter.modbus.internal;

/**
 * How far reads may be coalesced: the largest span of unused addresses a read may cover, and the
 * largest read, separately for registers and for bits.
 */
public record PlanLimits(int maxGap, int maxBitGap, int maxRegisters, int maxBits) {
  public static final PlanLimits MODBUS_MAX = new PlanLimits(8, 128, 125, 2000);

  public PlanLimits {
    if (maxGap < 0 || maxBitGap < 0) {
      throw new IllegalArgumentException("gaps must be >= 0");
    }
    if (maxRegisters < 1 || maxRegisters > 125) {
      throw new IllegalArgumentException("maxRegisters must be 1..125, got " + maxRegisters);
    }
    if (maxBits < 1 || maxBits > 2000) {
      throw new IllegalArgumentException("maxBits must be 1..2000, got " + maxBits);
    }
  }
}
