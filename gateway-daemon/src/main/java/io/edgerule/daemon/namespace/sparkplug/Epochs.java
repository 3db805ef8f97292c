package io.edgerule.daemon.namespace.sparkplug;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * The epoch each payload is made in, which {@link SparkplugLink} compares with the session on the
 * wire to tell current data from historical: every NBIRTH starts a node epoch, every DBIRTH a
 * device epoch; outside a session data is made in {@link #OFFLINE}. Epoch names hold a random id of
 * this run, so data stored by an earlier run is never taken for current. Not thread-safe (the
 * namespace's lock).
 */
final class Epochs {
  /** Data made while the node or its device was not born: always historical when sent. */
  static final String OFFLINE = "offline";

  private final String run = Long.toHexString(new SecureRandom().nextLong());
  private long count;
  private String node;
  private final Map<String, String> devices = new HashMap<>();

  /** A new NBIRTH: a new node epoch; no device is born in it yet. */
  String nodeBorn() {
    node = next();
    devices.clear();
    return node;
  }

  String deviceBorn(String device) {
    String e = next();
    devices.put(device, e);
    return e;
  }

  void deviceDied(String device) {
    devices.remove(device);
  }

  /** The session is over (connection gone). */
  void ended() {
    node = null;
    devices.clear();
  }

  /** The epoch node data is made in now. */
  String node() {
    return node == null ? OFFLINE : node;
  }

  /** The epoch a device's data is made in now. */
  String device(String device) {
    return node == null ? OFFLINE : devices.getOrDefault(device, OFFLINE);
  }

  private String next() {
    return run + "-" + ++count;
  }
}
