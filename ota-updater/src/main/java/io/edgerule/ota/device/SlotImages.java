package io.edgerule.ota.device;

import io.edgerule.ota.image.VerifiedImage;
import io.edgerule.ota.image.VerifiedRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a verified image puts in a slot. */
public final class SlotImages {
  /** The signed {@code .rimg} as verified, kept so the image can be verified again. */
  public static final String IMAGE_FILE = "image.rimg";

  private SlotImages() {}

  /** Self-test events of {@code rule} in a slot's extras. */
  public static String selfTestEvents(String rule) {
    return rule + ".selftest-events.jsonl";
  }

  /** Self-test expected output of {@code rule} in a slot's extras. */
  public static String selfTestExpected(String rule) {
    return rule + ".selftest-expected.jsonl";
  }

  public static ImageId id(VerifiedImage image) {
    return new ImageId(
        image.manifest().name(), image.manifest().version(), image.manifest().securityVersion());
  }

  public static SlotImage of(VerifiedImage image) {
    List<RuleModule> modules = new ArrayList<>();
    Map<String, byte[]> extras = new LinkedHashMap<>();
    extras.put(IMAGE_FILE, image.file());
    for (VerifiedRule r : image.rules()) {
      modules.add(new RuleModule(r.name(), r.wasm(), r.manifestYaml()));
      r.selfTest()
          .ifPresent(
              t -> {
                extras.put(selfTestEvents(r.name()), t.eventsJsonl());
                extras.put(selfTestExpected(r.name()), t.expectedJsonl());
              });
    }
    return new SlotImage(id(image), modules, extras);
  }
}
