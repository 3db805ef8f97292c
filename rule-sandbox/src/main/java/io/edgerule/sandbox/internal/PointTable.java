package io.edgerule.sandbox.internal;

import io.edgerule.adapter.PointId;
import io.edgerule.sandbox.RuleManifest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The integer ids one rule instance knows points by. Ids are dense from 0: the rule resolves the
 * names it cares about in er_init ({@code gw.point_id}); a subscribed point the rule did not
 * resolve gets the next id when its first event arrives ({@code gw.point_name} tells the rule its
 * name). Used by one thread at a time (the rule's caller).
 */
public final class PointTable implements EventEncoder.PointIds {
  private static final Integer NOT_FOR_RULE = -1;

  private final RuleManifest manifest;
  private final Map<PointId, Integer> ids = new HashMap<>();
  private final List<PointId> names = new ArrayList<>();
  private final BitSet writable = new BitSet();
  private final BitSet inputs = new BitSet();

  public PointTable(RuleManifest manifest) {
    this.manifest = manifest;
  }

  /** {@code gw.point_id}: an id for a point the manifest lets the rule read or write. */
  public int resolve(String name) {
    PointId point;
    try {
      point = PointId.parse(name);
    } catch (IllegalArgumentException e) {
      return Abi.ERR_INVALID;
    }
    boolean input = manifest.subscribes(point);
    boolean output = manifest.mayWrite(point);
    if (!input && !output) {
      return Abi.ERR_DENIED;
    }
    return assign(point, input, output);
  }

  /** The id of an event's point, assigning one if needed; -1 if the rule does not subscribe. */
  @Override
  public int idOf(PointId point) {
    Integer id = ids.get(point);
    if (id != null) {
      return id >= 0 && inputs.get(id) ? id : NOT_FOR_RULE;
    }
    if (!manifest.subscribes(point)) {
      ids.put(point, NOT_FOR_RULE);
      return NOT_FOR_RULE;
    }
    return assign(point, true, manifest.mayWrite(point));
  }

  private int assign(PointId point, boolean input, boolean mayWrite) {
    Integer known = ids.get(point);
    if (known != null && known >= 0) {
      return known;
    }
    int id = names.size();
    names.add(point);
    ids.put(point, id);
    if (mayWrite) {
      writable.set(id);
    }
    if (input) {
      inputs.set(id);
    }
    return id;
  }

  /** The point for an id, or null if no such id was handed out. */
  public PointId name(int id) {
    return id >= 0 && id < names.size() ? names.get(id) : null;
  }

  public boolean isWritable(int id) {
    return writable.get(id);
  }
}
