/**
 * Modbus TCP adapter: device and point configs, and the {@code modbus-tcp} adapter factory. See
 * docs/reference/modbus.md.
 */
package io.edgerule.adapter.modbus;
