package io.edgerule.ota.device;

import io.edgerule.ota.device.internal.CrashPoints;
import io.edgerule.ota.device.internal.DurableFiles;
import io.edgerule.ota.device.internal.PointerFile;
import io.edgerule.ota.device.internal.SlotFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's rule images on disk ({@code <state_dir>/ota}): two slots, A and B, and the active
 * pointer with its boot-confirm record ({@link StorePointer}). Every change is durable before the
 * method returns and atomic: a crash or power loss at any moment leaves the store as it was before
 * the call or as it is after it. An image is staged into the slot that is neither active nor
 * committed, so the committed image (the rollback target) is never overwritten.
 *
 * <p>Thread-safe (one writer at a time); one store per folder and process.
 */
public final class ImageStore {
  private static final String POINTER = "active.json";

  private final Path root;
  private final DurableFiles files;
  private final SlotFiles slots;
  private StorePointer pointer;

  private ImageStore(Path root, CrashPoints crash) throws IOException {
    this.root = root;
    this.files = new DurableFiles(crash);
    this.slots = new SlotFiles(root, files);
    Files.createDirectories(root);
    this.pointer = PointerFile.read(root.resolve(POINTER));
    removeLeftovers();
  }

  /**
   * Opens (creating if needed) the store in {@code folder}, clearing what a crash left half-done.
   */
  public static ImageStore open(Path folder) throws IOException {
    return open(folder, CrashPoints.NONE);
  }

  /** As {@link #open(Path)}, reporting every durable step to {@code crash} (power-loss tests). */
  public static ImageStore open(Path folder, CrashPoints crash) throws IOException {
    return new ImageStore(folder, crash);
  }

  public Path folder() {
    return root;
  }

  public synchronized StorePointer pointer() {
    return pointer;
  }

  /** The id of the image in {@code slot} as its record names it (files not checked). */
  public synchronized Optional<ImageId> idOf(Slot slot) {
    try {
      return Optional.ofNullable(slots.idOf(slot));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a slot, checking every file against its SHA-256.
   *
   * @return empty if the slot holds nothing
   * @throws ImageStoreException if a file is missing or altered (a damaged disk)
   */
  public synchronized Optional<SlotImage> read(Slot slot) {
    try {
      return Optional.ofNullable(slots.read(slot));
    } catch (IOException e) {
      throw new ImageStoreException("slot " + slot + ": " + e, e);
    }
  }

  /**
   * The slot the next image is staged into: neither the active nor the committed one.
   *
   * @throws ImageStoreException while an image is on trial (both slots are in use)
   */
  public synchronized Slot stagingSlot() {
    if (pointer.onTrial()) {
      throw new ImageStoreException(
          "an image is on trial in slot "
              + pointer.active()
              + ": commit or roll it back before staging another");
    }
    return pointer.committed() == null ? Slot.A : pointer.committed().other();
  }

  /**
   * Writes {@code image} into the staging slot.
   *
   * @return the slot it is in
   * @throws ImageStoreException if an image is on trial, or the image's security version is below
   *     the anti-rollback floor
   */
  public synchronized Slot stage(SlotImage image) throws IOException {
    Slot target = stagingSlot();
    if (image.id().securityVersion() < pointer.floor()) {
      throw new ImageStoreException(
          "image "
              + image.id()
              + " is below the anti-rollback floor: security version "
              + pointer.floor()
              + " is committed");
    }
    if (pointer.previous() == target) {
      // The image committed before the current one is about to be overwritten: first say so.
      write(
          new StorePointer(
              pointer.active(),
              pointer.committed(),
              null,
              pointer.configBefore(),
              pointer.floor(),
              0));
    }
    slots.write(target, image);
    return target;
  }

  /**
   * Makes {@code slot} active on trial: the daemon loads it from now on, also after a restart,
   * until it is committed or rolled back. Boots are counted from 0.
   */
  public synchronized void beginTrial(Slot slot) {
    if (slot == pointer.committed()) {
      throw new ImageStoreException("slot " + slot + " is already committed");
    }
    if (idOf(slot).isEmpty()) {
      throw new ImageStoreException("slot " + slot + " is empty");
    }
    write(
        new StorePointer(
            slot,
            pointer.committed(),
            pointer.previous(),
            pointer.configBefore(),
            pointer.floor(),
            0));
  }

  /**
   * Counts one start of the gateway while an image is on trial (call once per process start, before
   * loading the rules).
   *
   * @return the boots counted so far (0 when no image is on trial)
   */
  public synchronized int countBoot() {
    if (!pointer.onTrial()) {
      return 0;
    }
    StorePointer p = pointer;
    write(
        new StorePointer(
            p.active(), p.committed(), p.previous(), p.configBefore(), p.floor(), p.boots() + 1));
    return pointer.boots();
  }

  /**
   * Confirms the image on trial: it becomes the committed one (the next rollback target), the
   * previous committed image is kept until the next stage, and the anti-rollback floor rises to its
   * security version.
   */
  public synchronized void commit() {
    if (!pointer.onTrial()) {
      throw new ImageStoreException("no image is on trial");
    }
    long sv = idOf(pointer.active()).map(ImageId::securityVersion).orElse(0L);
    write(
        new StorePointer(
            pointer.active(),
            pointer.active(),
            pointer.committed(),
            pointer.committed() == null,
            Math.max(pointer.floor(), sv),
            0));
  }

  /**
   * Ends a trial: the committed slot (or none: the config's rules) is active again. The image that
   * was on trial stays in its slot until the next stage overwrites it.
   */
  public synchronized void rollBack() {
    if (!pointer.onTrial()) {
      throw new ImageStoreException("no image is on trial");
    }
    write(
        new StorePointer(
            pointer.committed(),
            pointer.committed(),
            pointer.previous(),
            pointer.configBefore(),
            pointer.floor(),
            0));
  }

  /**
   * Returns from the committed image to the one committed before it (a signed rollback switch):
   * that slot becomes active and committed again, or, when the config's rules ran before, no slot
   * does. The image returned from stays in its slot until the next stage. The anti-rollback floor
   * does not fall: the switch returns to an image the gateway already holds, it never lets an older
   * image be installed again.
   *
   * @return the slot active now (null: the config's rules)
   * @throws ImageStoreException while an image is on trial (roll it back instead), with nothing
   *     committed, or when the image committed before is no longer kept (a later stage used its
   *     slot)
   */
  public synchronized Slot revertToPrevious() {
    if (pointer.onTrial()) {
      throw new ImageStoreException(
          "an image is on trial in slot " + pointer.active() + ": roll it back instead");
    }
    if (pointer.committed() == null) {
      throw new ImageStoreException("no image is committed: the config's rules run");
    }
    Slot back = pointer.previous();
    if (back == null && !pointer.configBefore()) {
      throw new ImageStoreException(
          "the image committed before "
              + idOf(pointer.committed()).map(ImageId::toString).orElse("the current one")
              + " is no longer kept (a later update was staged into its slot)");
    }
    if (back != null && idOf(back).isEmpty()) {
      throw new ImageStoreException("slot " + back + " of the previous image is empty");
    }
    write(new StorePointer(back, back, null, false, pointer.floor(), 0));
    return back;
  }

  private void write(StorePointer next) {
    try {
      files.replace(root.resolve(POINTER), PointerFile.encode(next));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + root.resolve(POINTER), e);
    }
    pointer = next;
  }

  /** Deletes temporary files and slot folders no record names: what a crash left half-written. */
  private void removeLeftovers() throws IOException {
    try (DirectoryStream<Path> all =
        Files.newDirectoryStream(root, "*" + DurableFiles.TMP_SUFFIX)) {
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
    Path folder = slots.slotsFolder();
    if (!Files.isDirectory(folder)) {
      return;
    }
    Set<String> keep = new HashSet<>();
    for (Slot s : Slot.values()) {
      String f = slots.folderOf(s);
      if (f != null) {
        keep.add(f);
      }
    }
    try (DirectoryStream<Path> all = Files.newDirectoryStream(folder)) {
      for (Path p : all) {
        if (!keep.contains(p.getFileName().toString())) {
          files.deleteTree(p);
        }
      }
    }
  }
}
