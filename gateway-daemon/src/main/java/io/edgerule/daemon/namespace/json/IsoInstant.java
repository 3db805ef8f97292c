package io.edgerule.daemon.namespace.json;

import java.time.Instant;

/**
 * Writes an {@link Instant} exactly as {@link Instant#toString()} does ({@code
 * 2026-11-21T10:00:01.250Z}: fraction in groups of three digits, none when zero) into a char array
 * without allocating: telemetry carries two time stamps per event and {@code toString()} goes
 * through {@code DateTimeFormatter}, which was a large part of encoding a telemetry message.
 */
final class IsoInstant {
  /** Years 0000-9999; other instants (with a sign or more digits) fall back to toString(). */
  private static final long MIN_SECOND = -62_167_219_200L; // 0000-01-01T00:00:00Z

  private static final long MAX_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z

  /** Enough for {@code yyyy-MM-ddTHH:mm:ss.nnnnnnnnnZ}. */
  static final int MAX_CHARS = 30;

  private IsoInstant() {}

  /**
   * Writes {@code t} into {@code buf} from 0 and returns the length, or -1 when {@code t} is
   * outside years 0000-9999 (write {@code t.toString()} then).
   */
  static int write(Instant t, char[] buf) {
    long sec = t.getEpochSecond();
    if (sec < MIN_SECOND || sec > MAX_SECOND) {
      return -1;
    }
    long days = Math.floorDiv(sec, 86_400L);
    int secOfDay = (int) Math.floorMod(sec, 86_400L);
    // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int day = (int) (doy - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
    four(buf, 0, year);
    buf[4] = '-';
    two(buf, 5, month);
    buf[7] = '-';
    two(buf, 8, day);
    buf[10] = 'T';
    two(buf, 11, secOfDay / 3600);
    buf[13] = ':';
    two(buf, 14, secOfDay / 60 % 60);
    buf[16] = ':';
    two(buf, 17, secOfDay % 60);
    int n = 19;
    int nano = t.getNano();
    if (nano != 0) {
      buf[n++] = '.';
      int digits;
      int value;
      if (nano % 1_000_000 == 0) {
        digits = 3;
        value = nano / 1_000_000;
      } else if (nano % 1000 == 0) {
        digits = 6;
        value = nano / 1000;
      } else {
        digits = 9;
        value = nano;
      }
      for (int i = digits - 1; i >= 0; i--) {
        buf[n + i] = (char) ('0' + value % 10);
        value /= 10;
      }
      n += digits;
    }
    buf[n++] = 'Z';
    return n;
  }

  private static void two(char[] buf, int at, int v) {
    buf[at] = (char) ('0' + v / 10);
    buf[at + 1] = (char) ('0' + v % 10);
  }

  private static void four(char[] buf, int at, int v) {
    buf[at] = (char) ('0' + v / 1000);
    buf[at + 1] = (char) ('0' + v / 100 % 10);
    buf[at + 2] = (char) ('0' + v / 10 % 10);
    buf[at + 3] = (char) ('0' + v % 10);
  }
}
