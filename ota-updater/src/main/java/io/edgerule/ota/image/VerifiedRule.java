package io.edgerule.ota.image;

import io.edgerule.sandbox.RuleManifest;
import java.util.Objects;
import java.util.Optional;

/**
 * One rule of a verified image: its module and manifest bytes (their SHA-256 matched the signed
 * image manifest), the parsed manifest, and its self-test vectors if the image has them.
 */
public final class VerifiedRule {
  private final String name;
  private final byte[] wasm;
  private final byte[] manifestYaml;
  private final RuleManifest manifest;
  private final Optional<SelfTestVectors> selfTest;

  VerifiedRule(
      String name,
      byte[] wasm,
      byte[] manifestYaml,
      RuleManifest manifest,
      Optional<SelfTestVectors> selfTest) {
    this.name = Objects.requireNonNull(name);
    this.wasm = wasm.clone();
    this.manifestYaml = manifestYaml.clone();
    this.manifest = Objects.requireNonNull(manifest);
    this.selfTest = Objects.requireNonNull(selfTest);
  }

  /** The rule's name (the image lists it, and its manifest says the same). */
  public String name() {
    return name;
  }

  /** The WebAssembly module (a copy). */
  public byte[] wasm() {
    return wasm.clone();
  }

  /** The manifest file's exact bytes (a copy), to store beside the module. */
  public byte[] manifestYaml() {
    return manifestYaml.clone();
  }

  /** The parsed manifest (its {@code module} key, if any, is a name inside the image). */
  public RuleManifest manifest() {
    return manifest;
  }

  public Optional<SelfTestVectors> selfTest() {
    return selfTest;
  }

  /**
   * Self-test vectors: events in, one JSON object per line as {@code edgerule rule record} writes
   * them, and the JSON lines {@code edgerule rule test} prints for them (the expected actions).
   */
  public record SelfTestVectors(byte[] eventsJsonl, byte[] expectedJsonl) {
    public SelfTestVectors {
      eventsJsonl = eventsJsonl.clone();
      expectedJsonl = expectedJsonl.clone();
    }

    @Override
    public byte[] eventsJsonl() {
      return eventsJsonl.clone();
    }

    @Override
    public byte[] expectedJsonl() {
      return expectedJsonl.clone();
    }
  }
}
