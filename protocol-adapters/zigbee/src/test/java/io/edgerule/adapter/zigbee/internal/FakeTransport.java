package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.ExtendedPanId;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeChannel;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import com.zsmartsystems.zigbee.security.ZigBeeKey;
import com.zsmartsystems.zigbee.transport.TransportConfig;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportReceive;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A transport that records what the network manager sends; the test plays the network. */
final class FakeTransport implements ZigBeeTransportTransmit {
  static final IeeeAddress LOCAL = new IeeeAddress("0013A20041A2B3C4");

  /** A frame the manager sent, with the tag it expects progress reports for. */
  record Sent(int msgTag, ZigBeeApsFrame frame) {}

  final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
  ZigBeeTransportReceive receiver;

  @Override
  public ZigBeeStatus initialize() {
    return ZigBeeStatus.SUCCESS;
  }

  @Override
  public ZigBeeStatus startup(boolean reinitialize) {
    return ZigBeeStatus.SUCCESS;
  }

  @Override
  public void shutdown() {}

  @Override
  public String getVersionString() {
    return "fake";
  }

  @Override
  public IeeeAddress getIeeeAddress() {
    return LOCAL;
  }

  @Override
  public Integer getNwkAddress() {
    return 0;
  }

  @Override
  public void sendCommand(int msgTag, ZigBeeApsFrame apsFrame) {
    sent.add(new Sent(msgTag, apsFrame));
  }

  @Override
  public void setZigBeeTransportReceive(ZigBeeTransportReceive zigbeeTransportReceive) {
    this.receiver = zigbeeTransportReceive;
  }

  @Override
  public ZigBeeChannel getZigBeeChannel() {
    return ZigBeeChannel.CHANNEL_15;
  }

  @Override
  public ZigBeeStatus setZigBeeChannel(ZigBeeChannel channel) {
    return ZigBeeStatus.SUCCESS;
  }

  @Override
  public int getZigBeePanId() {
    return 0x1234;
  }

  @Override
  public ZigBeeStatus setZigBeePanId(int panId) {
    return ZigBeeStatus.SUCCESS;
  }

  @Override
  public ExtendedPanId getZigBeeExtendedPanId() {
    return new ExtendedPanId("0011223344556677");
  }

  @Override
  public ZigBeeStatus setZigBeeExtendedPanId(ExtendedPanId panId) {
    return ZigBeeStatus.SUCCESS;
  }

  @Override
  public ZigBeeStatus setZigBeeNetworkKey(ZigBeeKey key) {
    return ZigBeeStatus.SUCCESS;
  }

  @Override
  public ZigBeeKey getZigBeeNetworkKey() {
    return new ZigBeeKey();
  }

  @Override
  public ZigBeeStatus setTcLinkKey(ZigBeeKey key) {
    return ZigBeeStatus.SUCCESS;
  }

  @Override
  public ZigBeeKey getTcLinkKey() {
    return new ZigBeeKey();
  }

  @Override
  public void updateTransportConfig(TransportConfig configuration) {}
}
