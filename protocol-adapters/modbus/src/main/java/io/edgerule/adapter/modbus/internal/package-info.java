/**
 * Not part of the public API: the pure codec and read planner, the poll scheduler and the
 * transports of the Modbus adapter. Codec and planner take bytes and configs and return values;
 * they know no transport, so the TCP and RTU masters share them.
 */
package io.edgerule.adapter.modbus.internal;
