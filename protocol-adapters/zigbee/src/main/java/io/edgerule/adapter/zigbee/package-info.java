/**
 * Zigbee through a coordinator dongle on a serial port or TCP ({@code protocol: zigbee}): {@link
 * io.edgerule.adapter.zigbee.ZigbeeCoordinatorConfig}, {@link
 * io.edgerule.adapter.zigbee.ZigbeeAdapterFactory}, {@link
 * io.edgerule.adapter.zigbee.ZigbeeCoordinatorAdapter}.
 */
package io.edgerule.adapter.zigbee;
