package io.edgerule.daemon.ota;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.ota.device.DeviceUpdater;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.UpdateStatus;
import io.edgerule.ota.fleet.RollbackSwitch;
import io.edgerule.ota.fleet.RolloutFollower;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway does with a verified rollback switch that covers it (the {@link RolloutFollower}
 * verified it: a threshold of trusted keys, not expired): returns from the switch's image to the
 * image committed before it ({@link DeviceUpdater#revert}), once — the {@link SwitchLedger} keeps
 * the switches acted on across restarts, so a retained or replayed switch changes nothing the
 * second time. Every switch handled or refused is reported, retained, on {@code
 * <prefix>/<gateway>/ota/rollback} (docs/reference/ota-topics.md).
 */
final class SwitchHandling implements RolloutFollower.Revert {
  private static final Logger log = LoggerFactory.getLogger(SwitchHandling.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a switch ended on this gateway. */
  enum Result {
    /** The gateway returned to the image committed before the switch's image. */
    APPLIED,
    /** Acted on before (this start or an earlier one): nothing changed. */
    ALREADY_APPLIED,
    /** The gateway does not run or try the switch's image (any more): nothing changed. */
    NOT_RUNNING,
    /** It could not return (nothing committed before is kept, another update runs): unchanged. */
    FAILED,
    /** Not verified (signatures, threshold, expiry, form): nothing changed. */
    REFUSED
  }

  private final String gatewayId;
  private final DeviceUpdater updater;
  private final SwitchLedger ledger;
  private final Consumer<byte[]> report;
  private final Clock clock;

  /**
   * @param report publishes a report (retained, on the gateway's {@code ota/rollback} topic)
   */
  SwitchHandling(
      String gatewayId,
      DeviceUpdater updater,
      SwitchLedger ledger,
      Consumer<byte[]> report,
      Clock clock) {
    this.gatewayId = gatewayId;
    this.updater = updater;
    this.ledger = ledger;
    this.report = report;
    this.clock = clock;
  }

  @Override
  public CompletionStage<UpdateStatus> revert(RollbackSwitch s) {
    if (ledger.contains(s.id())) {
      log.info("rollback switch {} was acted on before: nothing to do", s.id());
      report(s.id(), Result.ALREADY_APPLIED, "acted on before", updater.status());
      return CompletableFuture.completedFuture(updater.status());
    }
    ImageId from = s.image().id();
    String why = "rollback switch " + s.id() + (s.reason().isEmpty() ? "" : ": " + s.reason());
    return updater
        .revert(from, why)
        .whenComplete(
            (st, e) -> {
              ledger.record(s.id(), s.expires(), clock.instant());
              if (e != null) {
                String cause = cause(e);
                log.warn("rollback switch {}: cannot return from {}: {}", s.id(), from, cause);
                report(s.id(), Result.FAILED, "cannot return from " + from + ": " + cause, st);
              } else if (st != null
                  && Objects.equals(st.image(), from)
                  && why.equals(st.detail())) {
                report(s.id(), Result.APPLIED, "returned from " + from, st);
              } else {
                report(s.id(), Result.NOT_RUNNING, "this gateway does not run " + from, st);
              }
            });
  }

  @Override
  public void refused(String topic, String why) {
    String id = topic.substring(topic.lastIndexOf('/') + 1);
    report(id, Result.REFUSED, why, updater.status());
  }

  private void report(String switchId, Result result, String detail, UpdateStatus status) {
    ObjectNode n = JSON.createObjectNode();
    n.put("gateway", gatewayId);
    n.put("switch", switchId);
    n.put("result", result.name());
    n.put("detail", detail);
    ImageId running = status == null ? null : status.running();
    if (running == null) {
      n.putNull("running");
    } else {
      n.putObject("running")
          .put("name", running.name())
          .put("version", running.version())
          .put("security_version", running.securityVersion());
    }
    n.put("time", clock.instant().toString());
    try {
      report.accept(JSON.writeValueAsBytes(n));
    } catch (IOException | RuntimeException e) {
      log.warn("rollback switch report not published: {}", e.toString());
    }
  }

  private static String cause(Throwable e) {
    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }
}
