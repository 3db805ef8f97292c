package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Device announces as a hostile node could send them: short, long, empty or missing payloads, other
 * profiles and clusters, byte values outside 0..255. The address is read only from a whole
 * announce, and read exactly; anything else is no address, never an exception.
 */
class ReceiveGuardFuzzTest {
  private static final long SEED = 0x5EED_1006L;

  @Test
  void theAnnouncedAddressIsReadOnlyFromAWholeAnnounce() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int n = 0; n < 20_000; n++) {
      ZigBeeApsFrame frame = new ZigBeeApsFrame();
      int profile = r.nextInt(4) == 0 ? r.nextInt(0x10000) : 0;
      int cluster = r.nextInt(4) == 0 ? r.nextInt(0x10000) : 0x0013;
      frame.setProfile(profile);
      frame.setCluster(cluster);
      int[] payload = null;
      if (r.nextInt(10) != 0) {
        payload = new int[r.nextInt(0, 20)];
        for (int i = 0; i < payload.length; i++) {
          payload[i] = r.nextInt(20) == 0 ? r.nextInt(-300, 300) : r.nextInt(256);
        }
        frame.setPayload(payload);
      }
      boolean whole = profile == 0 && cluster == 0x0013 && payload != null && payload.length >= 11;
      String where =
          "seed %d case %d: profile %04X cluster %04X payload %s"
              .formatted(SEED, n, profile, cluster, Arrays.toString(payload));
      IeeeAddress ieee;
      try {
        ieee = ReceiveGuard.announcedAddress(frame);
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      if (!whole) {
        assertNull(ieee, where);
        continue;
      }
      boolean bytes = Arrays.stream(payload, 3, 11).allMatch(b -> b >= 0 && b <= 255);
      if (!bytes) {
        assertNull(ieee, where + ": an address from values that are no bytes");
        continue;
      }
      assertArrayEquals(Arrays.copyOfRange(payload, 3, 11), ieee.getValue(), where);
      assertEquals(ieee, new IeeeAddress(ieee.toString()), where);
    }
  }
}
