package io.edgerule.ota.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
  @TempDir Path tmp;

  static SlotImage image(String version, long sv) {
    return new SlotImage(
        new ImageId("plant", version, sv),
        List.of(
            new RuleModule(
                "pump",
                ("wasm " + version).getBytes(StandardCharsets.UTF_8),
                ("name: pump # " + version).getBytes(StandardCharsets.UTF_8))),
        Map.of("selftest.jsonl", ("{} " + version).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void stageTrialCommitAndTheNextStageGoesToTheOtherSlot() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    assertEquals(StorePointer.EMPTY, store.pointer());
    Slot a = store.stage(image("1", 1));
    assertEquals(Slot.A, a);
    store.beginTrial(a);
    assertTrue(store.pointer().onTrial());
    assertThrows(ImageStoreException.class, () -> store.stage(image("2", 2)), "both slots in use");
    store.commit();
    assertEquals(new StorePointer(Slot.A, Slot.A, null, true, 1, 0), store.pointer());

    Slot b = store.stage(image("2", 2));
    assertEquals(Slot.B, b);
    store.beginTrial(b);
    store.commit();
    assertEquals(new StorePointer(Slot.B, Slot.B, Slot.A, 2, 0), store.pointer());
    // The previous image stays until the next stage overwrites its slot.
    assertEquals("1", store.read(Slot.A).orElseThrow().id().version());

    // Reopened: the same pointer and images, files checked.
    ImageStore again = ImageStore.open(tmp);
    assertEquals(store.pointer(), again.pointer());
    SlotImage read = again.read(Slot.B).orElseThrow();
    assertEquals(image("2", 2).id(), read.id());
    assertArrayEquals("wasm 2".getBytes(StandardCharsets.UTF_8), read.modules().get(0).wasm());
    assertArrayEquals("{} 2".getBytes(StandardCharsets.UTF_8), read.extras().get("selftest.jsonl"));

    again.stage(image("3", 3));
    assertNull(again.pointer().previous(), "slot A no longer holds the previous image");
  }

  @Test
  void rollBackReturnsToTheCommittedSlotAndTheFloorRisesOnlyAtCommit() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    store.beginTrial(store.stage(image("1", 5)));
    store.commit();
    Slot b = store.stage(image("2", 9));
    store.beginTrial(b);
    assertEquals(5, store.pointer().floor(), "not raised by a trial");
    store.rollBack();
    assertEquals(new StorePointer(Slot.A, Slot.A, null, true, 5, 0), store.pointer());
    ImageStoreException low =
        assertThrows(ImageStoreException.class, () -> store.stage(image("0", 4)));
    assertTrue(low.getMessage().contains("anti-rollback floor"), low.getMessage());
    store.stage(image("1b", 5)); // equal to the floor is allowed (a rebuild)
  }

  @Test
  void aDamagedFileIsReportedWithItsName() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    store.stage(image("1", 1));
    Path wasm = tmp.resolve("slots/a-1/pump.wasm");
    Files.write(wasm, "tampered".getBytes(StandardCharsets.UTF_8));
    ImageStoreException e = assertThrows(ImageStoreException.class, () -> store.read(Slot.A));
    assertTrue(e.getMessage().contains("pump.wasm"), e.getMessage());
  }

  @Test
  void openingRemovesWhatACrashLeftHalfWritten() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    store.stage(image("1", 1));
    Files.createDirectories(tmp.resolve("slots/b-1.part"));
    Files.createDirectories(tmp.resolve("slots/b-7"));
    Files.writeString(tmp.resolve("active.json.tmp"), "{");
    ImageStore.open(tmp);
    assertFalse(Files.exists(tmp.resolve("slots/b-1.part")));
    assertFalse(Files.exists(tmp.resolve("slots/b-7")));
    assertFalse(Files.exists(tmp.resolve("active.json.tmp")));
    assertTrue(Files.exists(tmp.resolve("slots/a-1/pump.wasm")));
  }

  @Test
  void aGatewayThatKeepsRestartingDuringATrialFallsBackByItself() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    store.beginTrial(store.stage(image("1", 1)));
    store.commit();
    store.beginTrial(store.stage(image("2", 2)));
    for (int boot = 1; boot <= 3; boot++) {
      BootChoice c = BootChoice.decide(ImageStore.open(tmp), 3);
      assertTrue(c.onTrial(), "boot " + boot);
      assertEquals("2", c.image().orElseThrow().id().version());
      assertEquals(boot, c.boots());
    }
    BootChoice fourth = BootChoice.decide(ImageStore.open(tmp), 3);
    assertFalse(fourth.onTrial());
    assertEquals("1", fourth.image().orElseThrow().id().version());
    assertTrue(fourth.fallback().orElseThrow().contains("4 times"), fourth.fallback().get());
    assertEquals("2", fourth.fellBackFrom().orElseThrow().version());
    assertEquals(
        new StorePointer(Slot.A, Slot.A, null, true, 1, 0), ImageStore.open(tmp).pointer());
    BootChoice fifth = BootChoice.decide(ImageStore.open(tmp), 3);
    assertTrue(fifth.fallback().isEmpty(), "the fallback is reported once");
  }

  @Test
  void aDamagedImageOnTrialFallsBackToTheCommittedOne() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    store.beginTrial(store.stage(image("1", 1)));
    store.commit();
    store.beginTrial(store.stage(image("2", 2)));
    Files.delete(tmp.resolve("slots/b-1/pump.yaml"));
    BootChoice c = BootChoice.decide(ImageStore.open(tmp), 3);
    assertEquals("1", c.image().orElseThrow().id().version());
    assertTrue(c.fallback().orElseThrow().contains("pump.yaml"), c.fallback().get());
  }

  @Test
  void withoutAnImageTheConfigsRulesRun() throws Exception {
    BootChoice c = BootChoice.decide(ImageStore.open(tmp), 3);
    assertTrue(c.image().isEmpty());
    ImageStore store = ImageStore.open(tmp);
    store.beginTrial(store.stage(image("1", 1)));
    store.rollBack();
    assertTrue(BootChoice.decide(ImageStore.open(tmp), 3).image().isEmpty());
  }

  @Test
  void aSwitchReturnsToThePreviousImageOrToTheConfigAndNeverLowersTheFloor() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    assertThrows(ImageStoreException.class, store::revertToPrevious, "nothing committed");
    store.beginTrial(store.stage(image("1", 1)));
    store.commit();
    store.beginTrial(store.stage(image("2", 2)));
    assertThrows(ImageStoreException.class, store::revertToPrevious, "on trial: roll back");
    store.commit();
    assertEquals(Slot.A, store.revertToPrevious());
    assertEquals(new StorePointer(Slot.A, Slot.A, null, false, 2, 0), store.pointer());
    assertEquals("1", store.idOf(store.pointer().active()).orElseThrow().version());
    ImageStoreException gone = assertThrows(ImageStoreException.class, store::revertToPrevious);
    assertTrue(gone.getMessage().contains("no longer kept"), gone.getMessage());
    assertEquals(Slot.B, store.stagingSlot(), "the image returned from is staged over next");
    assertEquals(store.pointer(), ImageStore.open(tmp).pointer(), "durable");

    ImageStore fresh = ImageStore.open(tmp.resolve("fresh"));
    fresh.beginTrial(fresh.stage(image("1", 3)));
    fresh.commit();
    assertNull(fresh.revertToPrevious(), "the config's rules ran before the first image");
    assertEquals(new StorePointer(null, null, null, false, 3, 0), fresh.pointer());
  }

  @Test
  void thePreviousImageStagedOverCannotBeReturnedTo() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    store.beginTrial(store.stage(image("1", 1)));
    store.commit();
    store.beginTrial(store.stage(image("2", 2)));
    store.commit(); // B committed, A previous
    store.beginTrial(store.stage(image("3", 3))); // into A: the previous image is gone
    store.rollBack();
    ImageStoreException e = assertThrows(ImageStoreException.class, store::revertToPrevious);
    assertTrue(e.getMessage().contains("no longer kept"), e.getMessage());
    assertEquals(Slot.B, store.pointer().active(), "nothing changed");
  }
}
