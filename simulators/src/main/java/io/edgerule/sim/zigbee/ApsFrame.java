package io.edgerule.sim.zigbee;

/**
 * An application-support-layer frame between a virtual device and the coordinator, before the
 * coordinator wraps it into an XBee explicit RX indicator.
 */
record ApsFrame(
    int sourceEndpoint,
    int destinationEndpoint,
    int clusterId,
    int profileId,
    byte[] payload,
    boolean broadcast) {

  static ApsFrame zdoResponse(int requestCluster, byte[] payload) {
    return new ApsFrame(
        Zdo.ENDPOINT, Zdo.ENDPOINT, requestCluster | Zdo.RESPONSE, Zdo.PROFILE, payload, false);
  }
}
