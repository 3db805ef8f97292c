package io.edgerule.adapter.modbus.internal;

/** The link to the device is down (connection lost, not connected, port gone). */
public final class LinkDownException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LinkDownException(String reason) {
    super(reason, null, false, false);
  }
}
