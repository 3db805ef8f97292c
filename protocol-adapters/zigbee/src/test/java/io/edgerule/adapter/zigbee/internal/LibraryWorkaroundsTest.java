package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zsmartsystems.zigbee.CommandResult;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeEndpointAddress;
import com.zsmartsystems.zigbee.ZigBeeNetworkManager;
import com.zsmartsystems.zigbee.ZigBeeNetworkState;
import com.zsmartsystems.zigbee.ZigBeeNode;
import com.zsmartsystems.zigbee.ZigBeeNodeStatus;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import com.zsmartsystems.zigbee.serialization.DefaultDeserializer;
import com.zsmartsystems.zigbee.serialization.DefaultSerializer;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportProgressState;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportReceive;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportState;
import com.zsmartsystems.zigbee.zdo.command.IeeeAddressRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zsmartsystems 1.4.16.1 defects the adapter works around, reproduced against the real network
 * manager with a scripted transport, and the workarounds shown to fix them.
 */
class LibraryWorkaroundsTest {
  private static final int IEEE_ADDR_REQ = 0x0001;
  private static final int IEEE_ADDR_RSP = 0x8001;

  @TempDir Path state;
  private FakeTransport transport;
  private ZigBeeNetworkManager manager;

  @BeforeEach
  void online() throws Exception {
    transport = new FakeTransport();
    manager = new ZigBeeNetworkManager(transport);
    manager.setSerializer(DefaultSerializer.class, DefaultDeserializer.class);
    manager.setNetworkDataStore(new FileNetworkDataStore(state));
    assertEquals(ZigBeeStatus.SUCCESS, manager.initialize());
    assertEquals(ZigBeeStatus.SUCCESS, manager.startup(false));
    assertEquals(ZigBeeNetworkState.ONLINE, manager.getNetworkState());
    // the manager closes joining when it comes online: acknowledge those frames
    FakeTransport.Sent s;
    while ((s = transport.sent.poll(500, TimeUnit.MILLISECONDS)) != null) {
      manager.receiveCommandState(s.msgTag(), ZigBeeTransportProgressState.RX_ACK);
    }
  }

  @AfterEach
  void shutdown() {
    manager.shutdown();
  }

  private Future<CommandResult> askIeee(int nwk) {
    IeeeAddressRequest request = new IeeeAddressRequest(nwk, 0, 0);
    request.setDestinationAddress(new ZigBeeEndpointAddress(nwk));
    return manager.sendTransaction(request, request);
  }

  private static ZigBeeApsFrame zdoResponse(int source, int cluster, int[] payload) {
    ZigBeeApsFrame frame = new ZigBeeApsFrame();
    frame.setSourceAddress(source);
    frame.setDestinationAddress(0);
    frame.setSourceEndpoint(0);
    frame.setDestinationEndpoint(0);
    frame.setProfile(0);
    frame.setCluster(cluster);
    frame.setPayload(payload);
    return frame;
  }

  @Test
  void phantomTransactionBlocksTheDefaultQueueUntilTheJanitorSweeps() throws Exception {
    // 1. a question to a node the manager does not know yet goes through the default queue
    Future<CommandResult> first = askIeee(0x1234);
    FakeTransport.Sent request = transport.sent.poll(5, TimeUnit.SECONDS);
    assertNotNull(request);
    assertEquals(IEEE_ADDR_REQ, request.frame().getCluster());
    // 2. the node becomes known (its announce was processed) before the answer completes
    manager.updateNode(new ZigBeeNode(manager, new IeeeAddress("00124B0001ABCD01"), 0x1234));
    // 3. the answer arrives: seq, SUCCESS, IEEE (LSB first), NWK
    manager.receiveCommandState(request.msgTag(), ZigBeeTransportProgressState.RX_ACK);
    manager.receiveCommand(
        zdoResponse(
            0x1234,
            IEEE_ADDR_RSP,
            new int[] {
              request.frame().getPayload()[0],
              0x00,
              0x01,
              0xCD,
              0xAB,
              0x01,
              0x00,
              0x4B,
              0x12,
              0x00,
              0x34,
              0x12
            }));
    assertTrue(first.get(5, TimeUnit.SECONDS).isSuccess());

    // 4. the defect: the next question to an unknown node is never sent
    askIeee(0x5678);
    assertNull(
        transport.sent.poll(1, TimeUnit.SECONDS), // well past the queue's 50 ms release delay
        "the finished transaction still blocks the default queue");

    // 5. the workaround: two sweeps (seen finished twice) release it, and the question goes out
    TransactionQueueJanitor janitor = TransactionQueueJanitor.attach(manager);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int released = 0;
    while (released == 0 && System.nanoTime() < deadline) {
      released = janitor.sweep();
    }
    assertEquals(1, released);
    FakeTransport.Sent second = transport.sent.poll(5, TimeUnit.SECONDS);
    assertNotNull(second, "the waiting transaction was sent");
    assertEquals(0x5678, second.frame().getDestinationAddress());
  }

  @Test
  void janitorLeavesTransactionsInFlightAlone() throws Exception {
    askIeee(0x1234);
    assertNotNull(transport.sent.poll(5, TimeUnit.SECONDS));
    TransactionQueueJanitor janitor = TransactionQueueJanitor.attach(manager);
    assertEquals(0, janitor.sweep());
    assertEquals(0, janitor.sweep(), "a transaction waiting for its answer is not a phantom");
  }

  @Test
  void guardAddsTheNodeBeforeTheManagerSeesAFrameFromIt() {
    IeeeAddress sensor = new IeeeAddress("00124B0001ABCD01");
    ReceiveGuard guard = new ReceiveGuard(manager, nwk -> nwk == 0x2222 ? sensor : null, nwk -> {});
    ZigBeeApsFrame report = new ZigBeeApsFrame();
    report.setSourceAddress(0x2222);
    report.setSourceEndpoint(1);
    report.setDestinationEndpoint(1);
    report.setProfile(0x0104);
    report.setCluster(0x0402);
    report.setPayload(new int[] {0x18, 0x01, 0x0A, 0x00, 0x00, 0x29, 0x66, 0x08});
    guard.receiveCommand(report);
    ZigBeeNode node = manager.getNode(0x2222);
    assertNotNull(node, "known before the manager could ask for its IEEE address");
    assertEquals(sensor, node.getIeeeAddress());
  }

  @Test
  void guardReadsTheAddressOfADeviceAnnounce() {
    ZigBeeApsFrame announce =
        zdoResponse(
            0x3A7C,
            0x0013,
            new int[] {
              0x07, // sequence
              0x7C,
              0x3A, // NWK address
              0x04,
              0x00,
              0x00,
              0x00,
              0x00,
              0x4B,
              0x12,
              0x00, // IEEE, LSB first
              0x8E // capabilities
            });
    assertEquals(new IeeeAddress("00124B0000000004"), ReceiveGuard.announcedAddress(announce));
    new ReceiveGuard(manager, nwk -> null, nwk -> {}).receiveCommand(announce);
    assertEquals(new IeeeAddress("00124B0000000004"), manager.getNode(0x3A7C).getIeeeAddress());
  }

  @Test
  void guardPassesOnlyTheRealTransmitOutcome() {
    List<String> passed = new ArrayList<>();
    ZigBeeTransportReceive recorder =
        new ZigBeeTransportReceive() {
          @Override
          public void receiveCommand(ZigBeeApsFrame apsFrame) {
            passed.add("frame");
          }

          @Override
          public void setTransportState(ZigBeeTransportState state) {
            passed.add(state.name());
          }

          @Override
          public void nodeStatusUpdate(
              ZigBeeNodeStatus deviceStatus, Integer networkAddress, IeeeAddress ieeeAddress) {
            passed.add(deviceStatus.name());
          }

          @Override
          public void receiveCommandState(int msgTag, ZigBeeTransportProgressState state) {
            passed.add(msgTag + " " + state);
          }
        };
    ReceiveGuard guard = new ReceiveGuard(manager, recorder, nwk -> null, nwk -> {});
    // what ZigBeeDongleXBee reports for one frame: a made-up TX_ACK, then the 0x8B outcome
    guard.receiveCommandState(7, ZigBeeTransportProgressState.TX_ACK);
    guard.receiveCommandState(7, ZigBeeTransportProgressState.RX_ACK);
    guard.receiveCommandState(8, ZigBeeTransportProgressState.TX_ACK);
    guard.receiveCommandState(8, ZigBeeTransportProgressState.RX_NAK);
    guard.setTransportState(ZigBeeTransportState.ONLINE);
    assertEquals(List.of("7 RX_ACK", "8 RX_NAK", "ONLINE"), passed);
  }
}
