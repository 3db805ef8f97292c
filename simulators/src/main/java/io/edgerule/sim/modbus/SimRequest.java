package io.edgerule.sim.modbus;

import java.time.Instant;

/**
 * One request the simulator received, as the master sent it (whether or not it was answered).
 *
 * @param time when it arrived (the config's clock)
 * @param unitId the unit it was addressed to
 * @param functionCode 1..4 reads, 5/6/15/16 writes
 * @param address the first address
 * @param quantity how many addresses (1 for single writes)
 */
public record SimRequest(Instant time, int unitId, int functionCode, int address, int quantity) {
  public boolean isRead() {
    return functionCode >= 1 && functionCode <= 4;
  }
}
