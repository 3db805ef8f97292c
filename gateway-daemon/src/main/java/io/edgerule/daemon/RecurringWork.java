package io.edgerule.daemon;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.namespace.DeviceHealthWatch;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.daemon.pipeline.RuleOutbox;
import io.edgerule.daemon.rules.RuleSupervisor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What a running gateway does on its shared scheduler besides the adapters' polls and the rules'
 * ticks: the state message, readmitting quarantined rules whose time is up, the scheduler's own
 * liveness probe, device births and deaths for the namespace, and sending rule publications. All of
 * it ends when the scheduler is shut down ({@link GatewayThreads#close}).
 */
final class RecurringWork {
  /** How often device health is read for the namespace's device births and deaths. */
  private static final long DEVICE_HEALTH_POLL_MILLIS = 500;

  /** How often the rule outbox is offered to the uplink (it sends what the window has room for). */
  private static final long RULE_OUTBOX_DRAIN_MILLIS = 20;

  private RecurringWork() {}

  /** Schedules every recurring task on {@code scheduler}; each first runs at once or within 1 s. */
  static void schedule(
      ScheduledExecutorService scheduler,
      Duration healthInterval,
      Clock clock,
      StateReporter state,
      RuleSupervisor rules,
      Liveness liveness,
      Supplier<List<AdapterHealth>> health,
      FleetNamespace namespace,
      Uplink uplink,
      RuleOutbox ruleOutbox) {
    long every = healthInterval.toMillis();
    scheduler.scheduleAtFixedRate(state::publish, 0, every, TimeUnit.MILLISECONDS);
    scheduler.scheduleAtFixedRate(() -> rules.readmitDue(clock.instant()), 1, 1, TimeUnit.SECONDS);
    scheduler.scheduleAtFixedRate(
        liveness::schedulerTurned, 0, Liveness.SCHEDULER_PROBE_MILLIS, TimeUnit.MILLISECONDS);
    DeviceHealthWatch devices =
        new DeviceHealthWatch(health, (d, up) -> namespace.deviceHealth(d, up, uplink::publish));
    scheduler.scheduleWithFixedDelay(
        devices::poll, 0, DEVICE_HEALTH_POLL_MILLIS, TimeUnit.MILLISECONDS);
    // Rule publications go out as acknowledgements free room in the uplink (RuleOutbox.WINDOW).
    scheduler.scheduleWithFixedDelay(
        ruleOutbox::drain,
        RULE_OUTBOX_DRAIN_MILLIS,
        RULE_OUTBOX_DRAIN_MILLIS,
        TimeUnit.MILLISECONDS);
  }
}
