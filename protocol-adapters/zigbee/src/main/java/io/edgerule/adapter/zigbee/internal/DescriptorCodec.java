package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.zdo.field.NodeDescriptor;
import com.zsmartsystems.zigbee.zdo.field.NodeDescriptor.FrequencyBandType;
import com.zsmartsystems.zigbee.zdo.field.NodeDescriptor.MacCapabilitiesType;
import com.zsmartsystems.zigbee.zdo.field.NodeDescriptor.ServerCapabilitiesType;
import com.zsmartsystems.zigbee.zdo.field.PowerDescriptor;
import com.zsmartsystems.zigbee.zdo.field.PowerDescriptor.PowerSourceType;
import java.util.Map;

/**
 * Node and power descriptors to and from the integers of their Zigbee encoding, for the network
 * data store. (The library's own {@code NodeDescriptor.serialize} writes the logical type seven
 * times in 1.4.16.1, so it cannot be used.)
 */
public final class DescriptorCodec {
  private DescriptorCodec() {}

  /** The descriptor's fields as "key=value" pairs in the order of the Zigbee encoding. */
  public static Map<String, Integer> encode(NodeDescriptor d) {
    int logical =
        switch (d.getLogicalType()) {
          case COORDINATOR -> 0;
          case ROUTER -> 1;
          case END_DEVICE -> 2;
          default -> 7;
        };
    int mac = 0;
    for (MacCapabilitiesType t : d.getMacCapabilities()) {
      mac |=
          switch (t) {
            case ALTERNATIVE_PAN -> 0x01;
            case FULL_FUNCTION_DEVICE -> 0x02;
            case MAINS_POWER -> 0x04;
            case RECEIVER_ON_WHEN_IDLE -> 0x08;
            case SECURITY_CAPABLE -> 0x40;
            default -> 0;
          };
    }
    int server = d.getStackCompliance() << 9;
    for (ServerCapabilitiesType t : d.getServerCapabilities()) {
      server |=
          switch (t) {
            case PRIMARY_TRUST_CENTER -> 0x01;
            case BACKUP_TRUST_CENTER -> 0x02;
            case PRIMARY_BINDING_TABLE_CACHE -> 0x04;
            case BACKUP_BINDING_TABLE_CACHE -> 0x08;
            case PRIMARY_DISCOVERY_CACHE -> 0x10;
            case BACKUP_DISCOVERY_CACHE -> 0x20;
            case NETWORK_MANAGER -> 0x40;
            default -> 0;
          };
    }
    int bands = 0;
    for (FrequencyBandType t : d.getFrequencyBands()) {
      bands |=
          switch (t) {
            case FREQ_868_MHZ -> 0x01;
            case FREQ_902_MHZ -> 0x04;
            case FREQ_2400_MHZ -> 0x08;
            default -> 0;
          };
    }
    return Map.of(
        "logical_type",
        logical,
        "complex_descriptor",
        d.isComplexDescriptorAvailable() ? 1 : 0,
        "user_descriptor",
        d.isUserDescriptorAvailable() ? 1 : 0,
        "aps_flags",
        d.getApsFlags(),
        "frequency_bands",
        bands,
        "mac_capabilities",
        mac,
        "manufacturer_code",
        d.getManufacturerCode(),
        "buffer_size",
        d.getBufferSize(),
        "incoming_transfer_size",
        d.getIncomingTransferSize(),
        "server_mask",
        server);
  }

  /**
   * The descriptor of the fields written by {@link #encode(NodeDescriptor)}.
   *
   * @throws IllegalArgumentException naming a field that is missing
   */
  public static NodeDescriptor decodeNode(Map<String, Integer> f) {
    return new NodeDescriptor(
        field(f, "aps_flags"),
        field(f, "buffer_size"),
        field(f, "mac_capabilities"),
        field(f, "complex_descriptor") != 0,
        field(f, "manufacturer_code"),
        field(f, "logical_type"),
        field(f, "server_mask"),
        field(f, "incoming_transfer_size"),
        field(f, "user_descriptor") != 0,
        field(f, "frequency_bands"));
  }

  /** A missing field is named (unboxing null would throw a NullPointerException instead). */
  private static int field(Map<String, Integer> fields, String name) {
    Integer value = fields.get(name);
    if (value == null) {
      throw new IllegalArgumentException("node descriptor field '" + name + "' is missing");
    }
    return value;
  }

  /** {@code mode, sources (bitmask), current source, level} as in the Zigbee encoding. */
  public static int[] encode(PowerDescriptor p) {
    int mode =
        switch (p.getCurrentPowerMode()) {
          case RECEIVER_ON_IDLE -> 0;
          case RECEIVER_ON_PERIODICALLY -> 1;
          case RECEIVER_ON_STIMULATED -> 2;
          default -> 0xF;
        };
    int sources = 0;
    for (PowerSourceType t : p.getAvailablePowerSources()) {
      sources |= sourceBit(t);
    }
    int level =
        switch (p.getPowerLevel()) {
          case CRITICAL -> 0x0;
          case LOW -> 0x4;
          case MEDIUM -> 0x8;
          case FULL -> 0xC;
          default -> 0xF;
        };
    return new int[] {mode, sources, sourceBit(p.getCurrentPowerSource()), level};
  }

  /**
   * The descriptor of the values written by {@link #encode(PowerDescriptor)}.
   *
   * @throws IllegalArgumentException when there are not exactly four values
   */
  public static PowerDescriptor decodePower(int[] v) {
    if (v.length != 4) { // fewer would be an index exception, more a silent loss
      throw new IllegalArgumentException(
          "a power descriptor has 4 values (mode, sources, current source, level), got "
              + v.length);
    }
    return new PowerDescriptor(v[0], v[1], v[2], v[3]);
  }

  private static int sourceBit(PowerSourceType t) {
    return switch (t) {
      case MAINS -> 0x1;
      case RECHARGABLE_BATTERY -> 0x2;
      case DISPOSABLE_BATTERY -> 0x4;
      default -> 0;
    };
  }
}
