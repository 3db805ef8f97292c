package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.database.ZigBeeEndpointDao;
import com.zsmartsystems.zigbee.database.ZigBeeNodeDao;
import com.zsmartsystems.zigbee.zdo.field.NodeDescriptor;
import com.zsmartsystems.zigbee.zdo.field.PowerDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a restart needs to know about each paired device survives the round trip to disk. */
class FileNetworkDataStoreTest {
  private static final IeeeAddress SENSOR = new IeeeAddress("00124B0001ABCD01");

  @TempDir Path dir;

  private static ZigBeeNodeDao sensor() {
    ZigBeeNodeDao dao = new ZigBeeNodeDao();
    dao.setIeeeAddress(SENSOR);
    dao.setNetworkAddress(0x3A7C);
    // end device, 2.4 GHz, allocate address, manufacturer 0x1234, stack compliance r22
    dao.setNodeDescriptor(
        new NodeDescriptor(0, 82, 0x80, false, 0x1234, 2, 0x2C00, 82, false, 0x08));
    dao.setPowerDescriptor(new PowerDescriptor(0, 0x4, 0x4, 0xC));
    ZigBeeEndpointDao ep = new ZigBeeEndpointDao();
    ep.setEndpointId(1);
    ep.setProfileId(0x0104);
    ep.setDeviceId(0x0302);
    ep.setDeviceVersion(1);
    ep.setInputClusterIds(List.of(0x0000, 0x0402, 0x0405));
    ep.setOutputClusterIds(List.of(0x0019));
    dao.setEndpoints(List.of(ep));
    return dao;
  }

  @Test
  void roundTripsANode() throws Exception {
    FileNetworkDataStore store = new FileNetworkDataStore(dir);
    store.writeNode(sensor());
    assertEquals(Set.of(SENSOR), new FileNetworkDataStore(dir).readNetworkNodes());
    ZigBeeNodeDao back = new FileNetworkDataStore(dir).readNode(SENSOR);
    assertEquals(0x3A7C, back.getNetworkAddress());
    assertEquals(sensor().getNodeDescriptor(), back.getNodeDescriptor());
    assertEquals(sensor().getPowerDescriptor(), back.getPowerDescriptor());
    ZigBeeEndpointDao ep = back.getEndpoints().get(0);
    assertEquals(1, ep.getEndpointId());
    assertEquals(0x0104, ep.getProfileId());
    assertEquals(0x0302, ep.getDeviceId());
    assertEquals(List.of(0x0000, 0x0402, 0x0405), ep.getInputClusterIds());
    assertEquals(List.of(0x0019), ep.getOutputClusterIds());
    assertEquals(3, ep.getInputClusters().size(), "cluster entries the library restores from");
  }

  @Test
  void anUnreadableFileIsSkippedAndKept() throws Exception {
    FileNetworkDataStore store = new FileNetworkDataStore(dir);
    Path file = dir.resolve("nodes/00124b0001abcd01.properties");
    Files.writeString(file, "nwk=not-hex\nendpoints=1\n");
    assertNull(store.readNode(SENSOR));
    assertEquals(true, Files.exists(file), "kept for a person to look at");
    store.removeNode(SENSOR);
    assertEquals(Set.of(), store.readNetworkNodes());
  }

  @Test
  void aClosedStoreNeitherWritesNorRemoves() throws Exception {
    FileNetworkDataStore store = new FileNetworkDataStore(dir);
    store.writeNode(sensor());
    store.close();
    ZigBeeNodeDao other = sensor();
    other.setIeeeAddress(new com.zsmartsystems.zigbee.IeeeAddress("00124B0000000002"));
    store.writeNode(other); // a deferred write from the library's thread after close
    store.removeNode(SENSOR);
    assertEquals(Set.of(SENSOR), new FileNetworkDataStore(dir).readNetworkNodes());
    try (var files = java.nio.file.Files.list(dir.resolve("nodes"))) {
      assertEquals(1, files.count(), "no temporary file either");
    }
  }
}
