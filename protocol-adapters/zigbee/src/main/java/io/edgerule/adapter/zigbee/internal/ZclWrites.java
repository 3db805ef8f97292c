package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.CommandResult;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.ZclStatus;
import com.zsmartsystems.zigbee.zcl.clusters.ZclLevelControlCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclOnOffCluster;
import com.zsmartsystems.zigbee.zcl.clusters.general.DefaultResponse;
import com.zsmartsystems.zigbee.zcl.clusters.general.WriteAttributesResponse;
import com.zsmartsystems.zigbee.zcl.clusters.levelcontrol.MoveToLevelWithOnOffCommand;
import com.zsmartsystems.zigbee.zcl.clusters.onoff.OffCommand;
import com.zsmartsystems.zigbee.zcl.clusters.onoff.OnCommand;
import com.zsmartsystems.zigbee.zcl.clusters.onoff.ToggleCommand;
import com.zsmartsystems.zigbee.zcl.field.WriteAttributeStatusRecord;
import com.zsmartsystems.zigbee.zcl.protocol.ZclDataType;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.zigbee.internal.DeviceSession.Binding;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Writes to Zigbee points: the ZCL command a write to a point means (on/off, toggle, move to level,
 * write attribute), checked against what the point takes, and the device's answer turned into a
 * {@link WriteResult}.
 */
public final class ZclWrites {
  private ZclWrites() {}

  /**
   * Blocking: sends the command a write to {@code b} on {@code cluster} means and waits for the
   * device's answer; a value the point does not take is rejected without sending anything.
   *
   * @param undelivered why the coordinator could not deliver it, if it said so (asked only when the
   *     device did not answer)
   */
  static WriteResult send(
      WriteCommand command,
      Binding b,
      ZclCluster cluster,
      Duration timeout,
      Supplier<Optional<String>> undelivered) {
    PointValue value = command.value();
    Future<CommandResult> future;
    switch (b.spec().write()) {
      case ON_OFF -> {
        Boolean on = Values.asBool(value);
        if (on == null) {
          return WriteResult.rejected(command, b.id() + " takes a bool, got " + value.type());
        }
        future = ((ZclOnOffCluster) cluster).sendCommand(on ? new OnCommand() : new OffCommand());
      }
      case TOGGLE -> {
        if (!Boolean.TRUE.equals(Values.asBool(value))) {
          return WriteResult.rejected(command, b.id() + ": write true to toggle");
        }
        future = ((ZclOnOffCluster) cluster).sendCommand(new ToggleCommand());
      }
      case LEVEL -> {
        Long level = Values.asLong(value);
        if (level == null || level < 0 || level > 254) {
          return WriteResult.rejected(command, b.id() + " takes an integer 0..254, got " + value);
        }
        future =
            ((ZclLevelControlCluster) cluster)
                .sendCommand(new MoveToLevelWithOnOffCommand(level.intValue(), 0));
      }
      case UINT16_ATTRIBUTE -> {
        Long v = Values.asLong(value);
        if (v == null || v < 0 || v > 0xFFFF) {
          return WriteResult.rejected(command, b.id() + " takes an integer 0..65535, got " + value);
        }
        future =
            cluster.writeAttribute(
                b.spec().attributeId(), ZclDataType.UNSIGNED_16_BIT_INTEGER, v.intValue());
      }
      default -> {
        return WriteResult.rejected(command, b.id() + " is read-only");
      }
    }
    return outcome(command, future, timeout, undelivered);
  }

  /**
   * Turns the library's command result into a write result: FAILED when the device answered with an
   * error or the coordinator reported that it could not deliver the command ({@code undelivered}:
   * the library fails such a transaction like one that got no answer), TIMEOUT when nothing came
   * back.
   */
  public static WriteResult outcome(
      WriteCommand command,
      Future<CommandResult> future,
      Duration timeout,
      Supplier<Optional<String>> undelivered) {
    if (future == null) {
      return WriteResult.failed(command, "not sent: the Zigbee network is stopping");
    }
    CommandResult result;
    try {
      result = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return WriteResult.timeout(command, "interrupted");
    } catch (ExecutionException | CancellationException e) {
      return notAnswered(command, undelivered, "no answer from the device");
    } catch (TimeoutException e) {
      future.cancel(true);
      return notAnswered(
          command, undelivered, "no answer from the device in " + timeout.toMillis() + " ms");
    }
    if (result == null || result.isTimeout()) {
      return notAnswered(
          command, undelivered, "no answer from the device in " + timeout.toMillis() + " ms");
    }
    Object response = result.getResponse();
    if (response instanceof DefaultResponse d && d.getStatusCode() != ZclStatus.SUCCESS) {
      return WriteResult.failed(command, "device answered " + d.getStatusCode());
    }
    if (response instanceof WriteAttributesResponse w) {
      for (WriteAttributeStatusRecord r : w.getRecords()) {
        if (r.getStatus() != ZclStatus.SUCCESS) {
          return WriteResult.failed(command, "device answered " + r.getStatus());
        }
      }
    }
    if (result.isError()) {
      return WriteResult.failed(command, "device answered status " + result.getStatusCode());
    }
    return WriteResult.ok(command);
  }

  private static WriteResult notAnswered(
      WriteCommand command, Supplier<Optional<String>> undelivered, String why) {
    Optional<String> status = undelivered.get();
    return status.isPresent()
        ? WriteResult.failed(command, "not delivered: the coordinator reports " + status.get())
        : WriteResult.timeout(command, why);
  }
}
