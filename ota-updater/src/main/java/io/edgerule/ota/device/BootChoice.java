package io.edgerule.ota.device;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway loads at start, decided from the image store: the active slot's image, or none
 * (the rules of the config). Counts the start if an image is on trial and falls back to the
 * committed image by itself when the gateway has started more than {@code maxTrialBoots} times
 * during the trial (it keeps crashing), or when the active slot is damaged.
 *
 * @param image the image to load rules from; empty: the config's rules
 * @param onTrial true if {@code image} is on trial (the trial resumes)
 * @param boots the starts counted during the trial (this one included)
 * @param fallback why the gateway fell back at this start, if it did (to be reported)
 * @param fellBackFrom the image it fell back from, if it did
 */
public record BootChoice(
    Optional<SlotImage> image,
    boolean onTrial,
    int boots,
    Optional<String> fallback,
    Optional<ImageId> fellBackFrom) {
  private static final Logger log = LoggerFactory.getLogger(BootChoice.class);

  /** Decides (and durably records) what this start of the gateway loads. */
  public static BootChoice decide(ImageStore store, int maxTrialBoots) {
    StorePointer p = store.pointer();
    if (p.active() == null) {
      return new BootChoice(Optional.empty(), false, 0, Optional.empty(), Optional.empty());
    }
    if (!p.onTrial()) {
      return new BootChoice(
          readCommitted(store, p.active()), false, 0, Optional.empty(), Optional.empty());
    }
    Optional<ImageId> trial = store.idOf(p.active());
    int boots = store.countBoot();
    String why;
    if (boots > maxTrialBoots) {
      why =
          "the gateway started "
              + boots
              + " times during the trial (at most "
              + maxTrialBoots
              + "): it fell back to the committed image";
    } else {
      try {
        Optional<SlotImage> image = store.read(p.active());
        if (image.isPresent()) {
          return new BootChoice(image, true, boots, Optional.empty(), Optional.empty());
        }
        why = "slot " + p.active() + " on trial is empty";
      } catch (ImageStoreException e) {
        why = e.getMessage();
      }
    }
    log.warn("image on trial in slot {} abandoned: {}", p.active(), why);
    store.rollBack();
    Slot back = store.pointer().active();
    Optional<SlotImage> image = back == null ? Optional.empty() : readCommitted(store, back);
    return new BootChoice(image, false, boots, Optional.of(why), trial);
  }

  /**
   * The committed image. If it is damaged the gateway runs the config's rules rather than nothing
   * (and says so); the store is left as it is for an operator or the next update to repair.
   */
  private static Optional<SlotImage> readCommitted(ImageStore store, Slot slot) {
    try {
      return store.read(slot);
    } catch (ImageStoreException e) {
      log.error("committed image unusable, running the config's rules: {}", e.getMessage());
      return Optional.empty();
    }
  }
}
