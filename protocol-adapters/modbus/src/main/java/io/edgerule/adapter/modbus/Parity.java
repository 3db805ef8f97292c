package io.edgerule.adapter.modbus;

/**
 * Serial parity. The Modbus serial line specification makes EVEN the default; with NONE it asks for
 * two stop bits, but many devices use one (8N1): configure what the devices are set to.
 */
public enum Parity {
  NONE,
  EVEN,
  ODD
}
