package io.edgerule.sim.zigbee;

/**
 * Zigbee Device Objects (profile 0x0000, endpoint 0): the cluster ids and statuses the simulator
 * speaks.
 */
public final class Zdo {
  public static final int PROFILE = 0x0000;
  public static final int ENDPOINT = 0x00;
  public static final int HOME_AUTOMATION_PROFILE = 0x0104;

  public static final int NWK_ADDR_REQ = 0x0000;
  public static final int IEEE_ADDR_REQ = 0x0001;
  public static final int NODE_DESC_REQ = 0x0002;
  public static final int POWER_DESC_REQ = 0x0003;
  public static final int SIMPLE_DESC_REQ = 0x0004;
  public static final int ACTIVE_EP_REQ = 0x0005;
  public static final int DEVICE_ANNCE = 0x0013;
  public static final int BIND_REQ = 0x0021;
  public static final int UNBIND_REQ = 0x0022;
  public static final int MGMT_LQI_REQ = 0x0031;
  public static final int MGMT_RTG_REQ = 0x0032;
  public static final int MGMT_LEAVE_REQ = 0x0034;
  public static final int MGMT_PERMIT_JOINING_REQ = 0x0036;

  /** A response's cluster id is its request's with this bit set. */
  public static final int RESPONSE = 0x8000;

  public static final int SUCCESS = 0x00;
  public static final int INV_REQUESTTYPE = 0x80;
  public static final int DEVICE_NOT_FOUND = 0x81;
  public static final int INVALID_EP = 0x82;
  public static final int NOT_SUPPORTED = 0x84;

  /** Broadcast addresses: all devices, rx-on-when-idle devices, routers and coordinator. */
  public static boolean isBroadcast(int nwk) {
    return nwk >= 0xFFF8;
  }

  private Zdo() {}
}
