package io.edgerule.ota.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on refusal messages: they must say what and where. */
public final class Messages {
  private Messages() {}

  public static void assertContains(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), () -> "expected '" + p + "' in: " + message);
    }
  }
}
