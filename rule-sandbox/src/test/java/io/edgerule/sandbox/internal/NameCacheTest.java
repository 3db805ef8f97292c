package io.edgerule.sandbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NameCacheTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void findsByContentNotIdentityAndForgetsTheOldestWhenFull() {
    NameCache cache = new NameCache(2);
    cache.put(b("overtemp"), "overtemp");
    assertEquals("overtemp", cache.get(b("overtemp")), "a fresh array with the same bytes");
    assertNull(cache.get(b("overtem")), "a prefix is another name");
    assertNull(cache.get(b("overtemp2")));
    cache.put(b("low"), "low");
    cache.put(b("high"), "high"); // evicts overtemp
    assertNull(cache.get(b("overtemp")));
    assertEquals("low", cache.get(b("low")));
    assertEquals("high", cache.get(b("high")));
    cache.put(b("again"), "again"); // evicts low
    assertNull(cache.get(b("low")));
    assertEquals("high", cache.get(b("high")));
    assertEquals("again", cache.get(b("again")));
  }
}
