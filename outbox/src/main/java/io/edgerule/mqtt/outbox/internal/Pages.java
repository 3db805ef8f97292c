package io.edgerule.mqtt.outbox.internal;

import java.util.List;
import java.util.Set;

/** Reading a page out of a list of messages held in memory in id order. */
public final class Pages {
  private Pages() {}

  /**
   * Adds to {@code out} the messages of {@code list} (in id order) with {@code after < id <= upTo}
   * that are in neither {@code skip} nor {@code skipToo}, until {@code out} holds {@code limit}.
   */
  public static void collect(
      List<StoredMessage> list,
      long after,
      long upTo,
      int limit,
      Set<Long> skip,
      Set<Long> skipToo,
      List<StoredMessage> out) {
    int lo = 0;
    int hi = list.size();
    while (lo < hi) { // the first with id > after
      int mid = (lo + hi) >>> 1;
      if (list.get(mid).id() <= after) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (int i = lo; i < list.size() && out.size() < limit; i++) {
      StoredMessage m = list.get(i);
      if (m.id() > upTo) {
        return;
      }
      if ((skip.isEmpty() || !skip.contains(m.id()))
          && (skipToo.isEmpty() || !skipToo.contains(m.id()))) {
        out.add(m);
      }
    }
  }
}
