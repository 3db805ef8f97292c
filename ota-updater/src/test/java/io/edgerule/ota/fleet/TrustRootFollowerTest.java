package io.edgerule.ota.fleet;

import static io.edgerule.ota.image.Messages.assertContains;
import static io.edgerule.ota.image.TestImages.NOW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.ota.image.ImageRejected;
import io.edgerule.ota.image.ImageVerifier;
import io.edgerule.ota.image.TestImages;
import io.edgerule.ota.trust.KeyId;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.TrustRoot;
import io.edgerule.ota.trust.TrustStore;
import io.edgerule.ota.trust.internal.Doc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over-the-air trust roots on a gateway, on a broker in memory (the real Mosquitto runs in the
 * daemon's TrustRotationIT): accepted rotations (one, or two at once), refusals that change
 * nothing, revocation through rotation, persistence, and retained redelivery.
 */
class TrustRootFollowerTest {
  static final FleetTopics TOPICS = new FleetTopics("edgerule");
  static final String GW = "gw-1";

  @TempDir Path tmp;
  final ExecutorService exec = Executors.newSingleThreadExecutor();
  // the test roots' and images' time, ticking (reports are ordered by their time)
  final Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), NOW));
  final FakeBroker broker = new FakeBroker();
  final Signer a = TestImages.newSigner("a");
  final Signer b = TestImages.newSigner("b");
  final Signer c = TestImages.newSigner("c");
  final Signer d = TestImages.newSigner("d");
  // v1 trusts a and b (one signature for an image or a new root); v2 drops and revokes a, adds c
  final TrustRoot v1 = root(1, NOW.plus(Duration.ofDays(365)), List.of(a, b), Set.of(), a, b);
  final TrustRoot v2 = root(2, NOW.plus(Duration.ofDays(365)), List.of(b, c), Set.of(id(a)), b, c);
  final TrustRoot v3 = root(3, NOW.plus(Duration.ofDays(365)), List.of(c, d), Set.of(id(a)), c, d);
  Path file;
  TrustStore store;
  TrustRootFollower follower;

  @BeforeEach
  void start() throws Exception {
    file = tmp.resolve("trust").resolve("root.json");
    store = TrustStore.open(file, v1.envelope());
    follower = new TrustRootFollower(GW, TOPICS, broker.link(), store, exec, clock);
    follower.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    settle();
  }

  @AfterEach
  void stop() {
    exec.shutdownNow();
  }

  static KeyId id(Signer s) {
    return s.publicKey().id();
  }

  static TrustRoot root(
      long version, Instant expires, List<Signer> keys, Set<KeyId> revoked, Signer... signers) {
    TrustRoot r =
        TrustRoot.unsigned(
            new TrustRoot.Content(
                version, expires, 1, 1, keys.stream().map(Signer::publicKey).toList(), revoked));
    return TestImages.signRoot(r, List.of(signers));
  }

  /** The chain message of these roots, as {@code edgerule fleet trust-root publish} writes it. */
  static byte[] chain(TrustRoot... roots) {
    StringBuilder s = new StringBuilder("{\"type\":\"edgerule-roots/v1\",\"roots\":[");
    for (int i = 0; i < roots.length; i++) {
      s.append(i == 0 ? "" : ",")
          .append(new String(roots[i].envelope(), StandardCharsets.UTF_8).strip());
    }
    return s.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Waits until the follower has handled everything handed to it (its executor is serial). */
  void settle() throws Exception {
    exec.submit(() -> {}).get(10, TimeUnit.SECONDS);
  }

  void publish(byte[] chain) throws Exception {
    broker.publish(TOPICS.trust(), chain, true);
    settle();
  }

  TrustReport report() throws Doc.Invalid {
    byte[] r = broker.retained.get(TOPICS.trustReport(GW));
    return TrustReport.fromJson(r, TOPICS.trustReport(GW));
  }

  long reportsPublished() {
    return broker.published.stream().filter(t -> t.equals(TOPICS.trustReport(GW))).count();
  }

  byte[] image(long sv, Signer signer) {
    return TestImages.signed(TestImages.unsigned(TestImages.header("plant", sv), "pump"), signer);
  }

  void accepted(byte[] image) throws ImageRejected {
    new ImageVerifier().verify(image, "x.rimg", TestImages.context(follower.current(), 0));
  }

  ImageRejected refused(byte[] image) {
    return assertThrows(
        ImageRejected.class,
        () ->
            new ImageVerifier().verify(image, "x.rimg", TestImages.context(follower.current(), 0)));
  }

  @Test
  void atStartTheGatewayReportsTheRootItHolds() throws Exception {
    TrustReport r = report();
    assertEquals(TrustReport.Result.TRUSTED, r.result());
    assertEquals(1, r.version());
    assertEquals(v1.expires(), r.expires());
    assertContains(r.detail(), "root v1 kept in", file.toString());
  }

  @Test
  void aRotationIsTakenKeptAndUsedAndARevokedKeyNoLongerSigns() throws Exception {
    byte[] signedByA = image(1, a);
    accepted(signedByA); // a signs images under v1

    publish(chain(v2));
    TrustReport r = report();
    assertEquals(TrustReport.Result.ROTATED, r.result(), r.toString());
    assertEquals(2, r.version());
    assertEquals(2, r.offered());
    assertNull(r.reason());
    assertEquals("edgerule/fleet/trust: root v1 -> v2", r.detail());
    assertEquals(2, follower.current().version());

    // a, revoked by v2, signs nothing any more; c, new in v2, does
    ImageRejected e = refused(image(2, a));
    assertEquals(ImageRejected.Reason.REVOKED_KEY, e.reason(), e.getMessage());
    assertContains(e.getMessage(), "trust root v2 revokes");
    accepted(image(2, c));

    // kept durably: the store opened again (as at the next start, with the config's v1) has v2
    TrustStore reopened = TrustStore.open(file, v1.envelope());
    assertEquals(2, reopened.current().version());
    assertArrayEquals(v2.payload(), reopened.current().payload());
  }

  @Test
  void aGatewayThatMissedTwoRotationsWalksTheWholeChainAtOnce() throws Exception {
    publish(chain(v1, v2, v3));
    TrustReport r = report();
    assertEquals(TrustReport.Result.ROTATED, r.result(), r.toString());
    assertEquals(3, r.version());
    assertEquals("edgerule/fleet/trust: root v1 -> v3 (2 rotations)", r.detail());
    assertEquals(3, TrustStore.open(file, v1.envelope()).current().version());
    assertEquals(1, follower.counts().rotated());
  }

  /** A refusal: reported with its reason, and nothing changes (root in memory and on disk). */
  TrustReport refusedChain(byte[] chain, TrustException.Reason reason) throws Exception {
    byte[] before = Files.readAllBytes(file);
    publish(chain);
    TrustReport r = report();
    assertEquals(TrustReport.Result.REFUSED, r.result(), r.toString());
    assertEquals(reason, r.reason(), r.detail());
    assertEquals(1, r.version(), "still trusting v1");
    assertEquals(1, follower.current().version());
    assertArrayEquals(before, Files.readAllBytes(file));
    accepted(image(1, a)); // v1 still decides
    return r;
  }

  @Test
  void aRootSignedOnlyByTheNewKeysIsRefused() throws Exception {
    TrustRoot forged = root(2, NOW.plus(Duration.ofDays(30)), List.of(c), Set.of(id(a)), c);
    TrustReport r = refusedChain(chain(forged), TrustException.Reason.UNKNOWN_KEY);
    assertContains(
        r.detail(),
        "edgerule/fleet/trust: ",
        "root v2 (by the keys of root v1)",
        "is by a key root v1 does not list");
    assertEquals(2, r.offered());
  }

  @Test
  void aRevocationSignedByTheKeyItRevokesIsRefusedNamingTheRevokingRoot() throws Exception {
    // v2 revokes a: a's signature counts for nothing, not even for v1's threshold
    TrustRoot revoking = root(2, NOW.plus(Duration.ofDays(30)), List.of(b, c), Set.of(id(a)), a, c);
    TrustReport r = refusedChain(chain(revoking), TrustException.Reason.REVOKED_KEY);
    assertContains(
        r.detail(),
        "root v2 (by the keys of root v1)",
        "root v1 requires 1",
        "(key " + id(a).shortHex() + ") is by a key root v2 revokes");
    assertFalse(r.detail().contains("root v1 revokes"), r.detail());
    assertEquals(2, r.offered());
  }

  @Test
  void aSkippedVersionIsRefused() throws Exception {
    TrustReport r = refusedChain(chain(v3), TrustException.Reason.BAD_ROTATION);
    assertContains(r.detail(), "root v3 does not follow root v1", "must be v2");
  }

  @Test
  void anExpiredRootIsRefused() throws Exception {
    TrustRoot old = root(2, NOW.minusSeconds(60), List.of(b, c), Set.of(id(a)), b, c);
    TrustReport r = refusedChain(chain(old), TrustException.Reason.EXPIRED);
    assertContains(r.detail(), "trust root v2 expired at");
  }

  @Test
  void aTamperedByteIsRefused() throws Exception {
    String payload = new String(v2.payload(), StandardCharsets.UTF_8);
    String year = v2.expires().toString().substring(0, 4);
    String changed = payload.replaceFirst(year + "-", (Integer.parseInt(year) + 1) + "-");
    String envelope = new String(chain(v2), StandardCharsets.UTF_8);
    String tampered =
        envelope.replace(
            Base64.getEncoder().encodeToString(v2.payload()),
            Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8)));
    TrustReport r =
        refusedChain(
            tampered.getBytes(StandardCharsets.UTF_8), TrustException.Reason.BAD_SIGNATURE);
    assertContains(r.detail(), "was changed after it was signed");
  }

  @Test
  void aMalformedChainIsRefusedWithWhere() throws Exception {
    TrustReport r =
        refusedChain(
            "{\"type\":\"edgerule-roots/v1\"}".getBytes(StandardCharsets.UTF_8),
            TrustException.Reason.MALFORMED);
    assertContains(r.detail(), "edgerule/fleet/trust: roots");
    assertEquals(0, r.offered());
  }

  @Test
  void retainedRedeliveryAndOlderRootsChangeNothingAndAreNotReported() throws Exception {
    publish(chain(v1, v2));
    assertEquals(2, follower.current().version());
    long reports = reportsPublished();
    byte[] kept = Files.readAllBytes(file);

    // after a reconnect the broker sends the retained chain again: the same bytes
    publish(chain(v1, v2));
    publish(chain(v1, v2));
    publish(chain(v1)); // an older chain
    publish(chain(v2)); // the same version, other bytes of the message
    publish(new byte[0]); // the retained chain cleared: the gateway keeps its root

    assertEquals(2, follower.current().version());
    assertArrayEquals(kept, Files.readAllBytes(file));
    TrustRootFollower.Counts n = follower.counts();
    assertEquals(6, n.received(), n.toString());
    assertEquals(1, n.rotated(), n.toString());
    assertEquals(5, n.ignored(), n.toString());
    assertEquals(0, n.refused(), n.toString());
    assertEquals(reports, reportsPublished(), "nothing new is reported");
    assertEquals(TrustReport.Result.ROTATED, report().result());
  }

  @Test
  void aRefusedChainDeliveredAgainIsReportedOnce() throws Exception {
    byte[] forged = chain(root(2, NOW.plus(Duration.ofDays(30)), List.of(c), Set.of(id(a)), c));
    publish(forged);
    long reports = reportsPublished();
    publish(forged);
    publish(forged);
    assertEquals(reports, reportsPublished());
    assertEquals(1, follower.counts().refused());
    assertEquals(TrustReport.Result.REFUSED, report().result());

    // the fleet fixes it: the good chain is taken, and the report says so
    publish(chain(v2));
    assertEquals(TrustReport.Result.ROTATED, report().result());
    assertEquals(2, report().version());
  }

  @Test
  void theFleetSeesTheRootEachGatewayHolds() throws Exception {
    FleetView view = new FleetView(TOPICS);
    String topic = TOPICS.trustReport(GW);
    TrustReport start = report();
    assertTrue(view.accept(topic, start.toJson()));
    publish(chain(v2));
    TrustReport rotated = report();
    assertTrue(view.accept(topic, rotated.toJson()));
    assertFalse(view.accept(topic, start.toJson()), "an older report changes nothing");
    assertEquals(2, view.gateways().get(GW).trust().version());
    // a report on another gateway's topic is refused
    assertFalse(view.accept(TOPICS.trustReport("gw-2"), rotated.toJson()));
    assertNull(view.gateways().get("gw-2"));
  }
}
