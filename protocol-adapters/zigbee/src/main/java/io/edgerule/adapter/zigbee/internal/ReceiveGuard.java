package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeNetworkManager;
import com.zsmartsystems.zigbee.ZigBeeNode;
import com.zsmartsystems.zigbee.ZigBeeNode.ZigBeeNodeState;
import com.zsmartsystems.zigbee.ZigBeeNodeStatus;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportProgressState;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportReceive;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportState;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits between the XBee driver and the network manager (installed with {@code
 * dongle.setZigBeeTransportReceive}) and works around two defects of zsmartsystems 1.4.16.1:
 *
 * <ul>
 *   <li>A frame from a node the manager does not know makes it query that node's IEEE address
 *       through its shared "default" transaction queue; when the node is added before the answer
 *       completes, the transaction is never removed from that queue and every later transaction to
 *       an unknown node waits forever (discovery stalls). The XBee frame already carries the IEEE
 *       address, so the guard adds the node <em>before</em> the manager sees the frame: the manager
 *       never has to ask. (A device announce carries it in its payload too.)
 *   <li>The XBee driver reports a made-up TX_ACK and then the real outcome (from the 0x8B transmit
 *       status) as two tasks on the manager's thread pool, which can run in the wrong order and
 *       leave a transaction waiting 8 s for an acknowledgement that already came. The guard drops
 *       the made-up TX_ACK and passes only the real RX_ACK/RX_NAK.
 * </ul>
 */
public final class ReceiveGuard implements ZigBeeTransportReceive {
  private static final Logger log = LoggerFactory.getLogger(ReceiveGuard.class);
  private static final int ZDO_PROFILE = 0x0000;
  private static final int DEVICE_ANNOUNCE = 0x0013;

  private final ZigBeeNetworkManager manager;
  private final ZigBeeTransportReceive delegate;
  private final IntFunction<IeeeAddress> addressBook;
  private final IntConsumer heard;
  private volatile Consumer<IeeeAddress> announced = ieee -> {};

  /**
   * @param addressBook the IEEE address the dongle reported for a network address, or null
   * @param heard told the network address of every frame received (liveness)
   */
  public ReceiveGuard(
      ZigBeeNetworkManager manager, IntFunction<IeeeAddress> addressBook, IntConsumer heard) {
    this(manager, manager, addressBook, heard);
  }

  /** As above, passing what the driver reports to {@code delegate} instead of the manager. */
  ReceiveGuard(
      ZigBeeNetworkManager manager,
      ZigBeeTransportReceive delegate,
      IntFunction<IeeeAddress> addressBook,
      IntConsumer heard) {
    this.manager = manager;
    this.delegate = delegate;
    this.addressBook = addressBook;
    this.heard = heard;
  }

  /** Told the IEEE address of every device that announces itself, after the manager saw it. */
  public ReceiveGuard onAnnounce(Consumer<IeeeAddress> listener) {
    this.announced = listener;
    return this;
  }

  @Override
  public void receiveCommand(ZigBeeApsFrame frame) {
    int source = frame.getSourceAddress();
    heard.accept(source);
    IeeeAddress announcer = announcedAddress(frame);
    if (source != 0 && manager.getNode(source) == null) {
      IeeeAddress ieee = announcer;
      if (ieee == null) {
        ieee = addressBook.apply(source);
      }
      if (ieee != null) {
        log.debug("{}: adding node 0x{} before the manager sees its frame", ieee, hex(source));
        ZigBeeNode node = new ZigBeeNode(manager, ieee, source);
        node.setNodeState(ZigBeeNodeState.ONLINE);
        manager.updateNode(node);
      }
    }
    delegate.receiveCommand(frame);
    if (announcer != null) {
      announced.accept(announcer);
    }
  }

  /** The IEEE address in a ZDO Device_annce payload: sequence, NWK (2), IEEE (8, LSB first). */
  static IeeeAddress announcedAddress(ZigBeeApsFrame frame) {
    int[] payload = frame.getPayload();
    if (frame.getProfile() != ZDO_PROFILE
        || frame.getCluster() != DEVICE_ANNOUNCE
        || payload == null
        || payload.length < 11) {
      return null;
    }
    int[] ieee = Arrays.copyOfRange(payload, 3, 11);
    for (int b : ieee) {
      if (b < 0 || b > 0xFF) { // not bytes: IeeeAddress would print "2CFFFFFFFFBA..." as if valid
        return null;
      }
    }
    return new IeeeAddress(ieee);
  }

  @Override
  public void receiveCommandState(int msgTag, ZigBeeTransportProgressState state) {
    if (state == ZigBeeTransportProgressState.TX_ACK) {
      return; // synthetic on XBee; the real outcome follows as RX_ACK or RX_NAK
    }
    delegate.receiveCommandState(msgTag, state);
  }

  @Override
  public void setTransportState(ZigBeeTransportState state) {
    delegate.setTransportState(state);
  }

  @Override
  public void nodeStatusUpdate(ZigBeeNodeStatus status, Integer networkAddress, IeeeAddress ieee) {
    delegate.nodeStatusUpdate(status, networkAddress, ieee);
  }

  private static String hex(int value) {
    return String.format("%04X", value);
  }
}
