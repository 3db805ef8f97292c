/**
 * Not part of the public API: the Modbus RTU master. Pure parts ({@link
 * io.edgerule.adapter.modbus.internal.rtu.RtuCrc}, {@link
 * io.edgerule.adapter.modbus.internal.rtu.RtuFrames}, {@link
 * io.edgerule.adapter.modbus.internal.rtu.RtuTiming}, {@link
 * io.edgerule.adapter.modbus.internal.rtu.RtuTransaction}) take bytes and times and return values;
 * the transports ({@link io.edgerule.adapter.modbus.internal.rtu.SerialBusPort}, {@link
 * io.edgerule.adapter.modbus.internal.rtu.TcpBusPort}) only move bytes; {@link
 * io.edgerule.adapter.modbus.internal.rtu.RtuBus} puts one request at a time on the wire (each
 * exchange: {@link io.edgerule.adapter.modbus.internal.rtu.RtuLine}) and {@link
 * io.edgerule.adapter.modbus.internal.rtu.UnitLink} gives each slave's poller its view.
 *
 * <p>Why not digitalpetri's {@code modbus-serial} 2.1.4 transport and {@code ModbusRtuClient}: its
 * response parser has no resynchronisation (a garbage byte leaves it in a parse error until the
 * request times out, and a frame that follows garbage is lost), it matches responses to requests
 * only by order (a late response is taken as the answer to the next request), it reads exception
 * responses wrongly ({@code 01 83 02} is reported as code {@code 0xFFFFFF83}), it counts neither
 * CRC errors nor garbage, keeps no inter-frame gap, does not notice a vanished port, and its
 * constructor throws when the device node does not exist yet. The PDU classes and serializers of
 * digitalpetri's core {@code modbus} artifact are still used for the PDUs themselves.
 */
package io.edgerule.adapter.modbus.internal.rtu;
