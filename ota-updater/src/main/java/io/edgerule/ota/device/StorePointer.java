package io.edgerule.ota.device;

/**
 * The active pointer and boot-confirm record of the image store, kept in one file ({@code
 * active.json}) so that every decision (start a trial, count a boot, commit, roll back, return to
 * the previous image) is a single atomic rename.
 *
 * @param active the slot the daemon loads its rules from at start; null: none (rules from config)
 * @param committed the last slot confirmed good (the rollback target); null: none yet
 * @param previous the slot committed before {@code committed}, while its image is still there
 * @param configBefore true when the config's rules ran before {@code committed} (nothing was
 *     committed before it): a rollback switch returns to them
 * @param floor the anti-rollback floor: the highest security version ever committed
 * @param boots how many times the gateway started while {@code active} was on trial
 */
public record StorePointer(
    Slot active, Slot committed, Slot previous, boolean configBefore, long floor, int boots) {
  public static final StorePointer EMPTY = new StorePointer(null, null, null, false, 0, 0);

  /** A pointer with no way back to the config's rules ({@code configBefore} false). */
  public StorePointer(Slot active, Slot committed, Slot previous, long floor, int boots) {
    this(active, committed, previous, false, floor, boots);
  }

  /** True while an image runs on trial: active but not yet confirmed. */
  public boolean onTrial() {
    return active != null && active != committed;
  }
}
