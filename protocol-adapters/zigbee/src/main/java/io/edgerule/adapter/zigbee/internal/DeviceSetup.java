package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.CommandResult;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.ZclStatus;
import com.zsmartsystems.zigbee.zcl.clusters.general.ConfigureReportingResponse;
import com.zsmartsystems.zigbee.zcl.field.AttributeStatusRecord;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.zigbee.internal.ClusterCatalog.PointSpec;
import io.edgerule.adapter.zigbee.internal.DeviceSession.Binding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * One attempt to set a device up ({@link DeviceSession#configure}), cluster by cluster and one
 * request at a time: the scaling attributes, the bind of the reported clusters to the coordinator,
 * Configure Reporting per reported point, and one read of every readable point. It stops at the
 * first request the device does not answer (it is away or gone: asking on would only hold the
 * device busy for one timeout per request), and collects the problems met.
 */
final class DeviceSetup {
  private final IeeeAddress coordinator;
  private final int minSeconds;
  private final int maxSeconds;
  private final Duration timeout;
  private final List<String> problems = new ArrayList<>();

  /**
   * @param coordinator where the reported clusters are bound
   * @param minSeconds the reporting interval's minimum
   * @param maxSeconds the reporting interval's maximum
   * @param timeout how long each request may wait for its answer
   */
  DeviceSetup(IeeeAddress coordinator, int minSeconds, int maxSeconds, Duration timeout) {
    this.coordinator = coordinator;
    this.minSeconds = minSeconds;
    this.maxSeconds = maxSeconds;
    this.timeout = timeout;
  }

  /**
   * Blocking: sets up each cluster in turn with its points.
   *
   * @return the problems met (empty when the device took everything)
   */
  List<String> run(Map<ZclCluster, List<Binding>> byCluster) {
    for (Map.Entry<ZclCluster, List<Binding>> e : byCluster.entrySet()) {
      if (!configureCluster(e.getKey(), e.getValue())) {
        break;
      }
    }
    return problems;
  }

  /** One cluster's setup; false when the device stopped answering. */
  private boolean configureCluster(ZclCluster cluster, List<Binding> points) {
    String where = String.format("cluster 0x%04X", cluster.getClusterId());
    if (cluster.getClusterId() == ClusterCatalog.ELECTRICAL_MEASUREMENT
        && !step(cluster.readAttributes(ClusterCatalog.SCALING_ATTRIBUTES), where + " scaling")) {
      return false;
    }
    boolean reported = points.stream().anyMatch(b -> b.spec().reported());
    if (reported && !step(cluster.bind(coordinator, 1), where + " bind")) {
      return false;
    }
    List<Integer> readable = new ArrayList<>();
    for (Binding b : points) {
      PointSpec spec = b.spec();
      if (spec.reported()) {
        Future<CommandResult> f =
            cluster.setReporting(
                spec.attributeId(), minSeconds, maxSeconds, spec.reportableChange());
        if (!reportingStep(f, b.id())) {
          return false;
        }
      }
      if (spec.readable()) {
        readable.add(spec.attributeId());
      }
    }
    return readable.isEmpty() || step(cluster.readAttributes(readable), where + " read");
  }

  /** Waits for one request; false when the device did not answer it. */
  private boolean step(Future<CommandResult> future, String what) {
    ZclAnswer a = ZclAnswer.await(future, timeout, what);
    a.problem().ifPresent(problems::add);
    return a.answered();
  }

  /** As {@link #step}, and a refusal in the Configure Reporting answer is a problem too. */
  private boolean reportingStep(Future<CommandResult> future, PointId point) {
    ZclAnswer a = ZclAnswer.await(future, timeout, point + " configure reporting");
    if (a.problem().isPresent()) {
      problems.add(a.problem().get());
      return a.answered();
    }
    try {
      reportingRefused(point, future.get().getResponse()).ifPresent(problems::add);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | CancellationException e) {
      problems.add(point + " configure reporting: no answer");
      return false;
    }
    return true;
  }

  /**
   * Whether a Configure Reporting answer refuses: either one status for everything or, when not all
   * succeeded, one record per attribute (ZCL 2.5.8.1), e.g. UNREPORTABLE_ATTRIBUTE from a device
   * that can only be polled. The library gives the records with a null status.
   */
  static Optional<String> reportingRefused(PointId point, Object response) {
    if (!(response instanceof ConfigureReportingResponse c)) {
      return Optional.empty();
    }
    if (c.getStatus() != null && c.getStatus() != ZclStatus.SUCCESS) {
      return Optional.of(point + " configure reporting: " + c.getStatus());
    }
    if (c.getRecords() != null) {
      for (AttributeStatusRecord r : c.getRecords()) {
        if (r.getStatus() != null && r.getStatus() != ZclStatus.SUCCESS) {
          return Optional.of(point + " configure reporting: " + r.getStatus());
        }
      }
    }
    return Optional.empty();
  }
}
