package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.zsmartsystems.zigbee.IeeeAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Aliases in every spelling a person uses, and addresses without one. */
class DeviceNamesFuzzTest {
  private static final long SEED = 0x5EED_1005L;

  private static String spelled(SplittableRandom r, String hex) {
    return switch (r.nextInt(4)) {
      case 0 -> hex;
      case 1 -> hex.toUpperCase(Locale.ROOT);
      case 2 -> "0x" + hex;
      default -> String.join(":", hex.split("(?<=\\G..)"));
    };
  }

  @Test
  void anAliasIsFoundWhateverItsSpellingAndOthersAreNamedByAddress() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int n = 0; n < 1_000; n++) {
      String hex = String.format("%016x", r.nextLong());
      String other = String.format("%016x", r.nextLong());
      String key = spelled(r, hex);
      String where = "seed " + SEED + " case " + n + ": " + key;
      DeviceNames names;
      try {
        names = new DeviceNames(Map.of(key, "dev" + n));
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      assertEquals("dev" + n, names.nameOf(new IeeeAddress(hex.toUpperCase(Locale.ROOT))), where);
      assertEquals(other, names.nameOf(new IeeeAddress(other.toUpperCase(Locale.ROOT))), where);
    }
  }

  @Test
  void aKeyThatIsNoAddressIsRefusedWithAMessage() {
    Map<String, String> nullKey = new HashMap<>();
    nullKey.put(null, "kitchen");
    Map<String, String> nullName = new HashMap<>();
    nullName.put("00124b0001abcd01", null);
    for (Map<String, String> aliases :
        new Map[] {
          Map.of("kitchen", "sensor"),
          Map.of("", "sensor"),
          Map.of("00124b0001abcd01ff", "sensor"),
          Map.of("00:12:4b:00:01:ab:cd:01", "a", "00124B0001ABCD01", "b"),
          nullKey,
          nullName
        }) {
      var e =
          assertThrows(
              IllegalArgumentException.class, () -> new DeviceNames(aliases), aliases.toString());
      assertFalse(e.getMessage().isBlank(), aliases.toString());
    }
  }
}
