package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.zsmartsystems.zigbee.zdo.field.NodeDescriptor;
import com.zsmartsystems.zigbee.zdo.field.PowerDescriptor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Node and power descriptors as a stored node file may hold them after a crash or a hand edit:
 * fields missing, empty, negative or far out of range. Decoding gives a descriptor or an
 * IllegalArgumentException naming the field, and what is decoded encodes again.
 */
class DescriptorCodecFuzzTest {
  private static final long SEED = 0x5EED_1002L;
  private static final List<String> NODE_FIELDS =
      List.of(
          "logical_type",
          "complex_descriptor",
          "user_descriptor",
          "aps_flags",
          "frequency_bands",
          "mac_capabilities",
          "manufacturer_code",
          "buffer_size",
          "incoming_transfer_size",
          "server_mask");
  private static final int[] HOSTILE = {Integer.MIN_VALUE, -1, 0, 1, 7, 0xFF, 0xFFFF, 0x10000};

  private static int value(SplittableRandom r) {
    return r.nextBoolean() ? HOSTILE[r.nextInt(HOSTILE.length)] : r.nextInt(0, 0x10000);
  }

  @Test
  void decodingAHostileNodeMapGivesADescriptorOrNamesTheField() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int n = 0; n < 5_000; n++) {
      Map<String, Integer> fields = new HashMap<>();
      for (String f : NODE_FIELDS) {
        int dice = r.nextInt(12);
        if (dice == 0) {
          continue; // missing
        }
        fields.put(f, dice == 1 ? null : value(r));
      }
      String where = "seed " + SEED + " case " + n + ": " + fields;
      NodeDescriptor d;
      try {
        d = DescriptorCodec.decodeNode(fields);
      } catch (IllegalArgumentException e) {
        assertNotNull(e.getMessage(), where);
        assertTrue(
            NODE_FIELDS.stream().anyMatch(e.getMessage()::contains),
            where + ": the message names no field: " + e.getMessage());
        assertTrue(
            NODE_FIELDS.stream().anyMatch(f -> fields.get(f) == null),
            where + ": refused a complete map: " + e.getMessage());
        continue;
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      Map<String, Integer> encoded = DescriptorCodec.encode(d);
      assertEquals(DescriptorCodec.encode(DescriptorCodec.decodeNode(encoded)), encoded, where);
    }
  }

  @Test
  void realDescriptorsRoundTrip() {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    for (int n = 0; n < 5_000; n++) {
      NodeDescriptor d =
          new NodeDescriptor(
              r.nextInt(8),
              r.nextInt(256),
              r.nextInt(256),
              r.nextBoolean(),
              r.nextInt(0x10000),
              r.nextInt(3),
              r.nextInt(0x10000),
              r.nextInt(0x10000),
              r.nextBoolean(),
              r.nextInt(32));
      String where = "seed " + (SEED + 1) + " case " + n + ": " + d;
      NodeDescriptor back = DescriptorCodec.decodeNode(DescriptorCodec.encode(d));
      assertEquals(d.getLogicalType(), back.getLogicalType(), where);
      assertEquals(d.getMacCapabilities(), back.getMacCapabilities(), where);
      assertEquals(d.getServerCapabilities(), back.getServerCapabilities(), where);
      assertEquals(d.getFrequencyBands(), back.getFrequencyBands(), where);
      assertEquals(d.getManufacturerCode(), back.getManufacturerCode(), where);
      assertEquals(d.getStackCompliance(), back.getStackCompliance(), where);
    }
  }

  @Test
  void aHostilePowerArrayGivesADescriptorOrAReason() {
    SplittableRandom r = new SplittableRandom(SEED + 2);
    for (int n = 0; n < 5_000; n++) {
      int[] v = new int[r.nextInt(0, 7)];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextBoolean() ? value(r) : r.nextInt(16);
      }
      String where = "seed " + (SEED + 2) + " case " + n + ": " + Arrays.toString(v);
      PowerDescriptor p;
      try {
        p = DescriptorCodec.decodePower(v);
      } catch (IllegalArgumentException e) {
        assertNotNull(e.getMessage(), where);
        assertFalse(e.getMessage().isBlank(), where);
        assertTrue(v.length != 4, where + ": refused four values: " + e.getMessage());
        continue;
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      assertEquals(4, v.length, where + ": accepted " + v.length + " values");
      int[] encoded;
      try {
        encoded = DescriptorCodec.encode(p); // what was decoded can be stored again
      } catch (RuntimeException e) {
        fail(where + ": decoded " + p + " cannot be encoded: " + e, e);
        return;
      }
      assertEquals(4, encoded.length, where);
      assertArrayEquals(
          encoded, DescriptorCodec.encode(DescriptorCodec.decodePower(encoded)), where);
    }
  }
}
