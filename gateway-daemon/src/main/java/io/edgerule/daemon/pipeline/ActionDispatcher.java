package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.PipelineConfig;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.namespace.AlarmChange;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.sandbox.RuleAction;
import io.edgerule.sandbox.RuleOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what rules decided: device writes through the owning adapter, MQTT publications,
 * alarms (retained, one topic per alarm) and rule log lines. Also serves write commands from MQTT.
 */
public final class ActionDispatcher implements RuleSlot.OutcomeHandler {
  private static final Logger log = LoggerFactory.getLogger(ActionDispatcher.class);

  private final PointDirectory directory;
  private final Uplink uplink;
  private final FleetNamespace namespace;
  private final GatewayListener listener;
  private final Clock clock;
  private final PipelineConfig pipeline;
  private final RuleOutbox outbox;
  private final Map<String, RuleAccount> accounts = new ConcurrentHashMap<>();
  private final AtomicInteger writesInFlight = new AtomicInteger();
  private final Map<ProtocolAdapter, FairWrites> writeQueues = new ConcurrentHashMap<>();
  private final RecentAlarms recentAlarms = new RecentAlarms();

  /** A dispatcher with the default {@code pipeline} shares. */
  public ActionDispatcher(
      PointDirectory directory,
      Uplink uplink,
      FleetNamespace namespace,
      GatewayListener listener,
      Clock clock) {
    this(directory, uplink, namespace, listener, clock, PipelineConfig.DEFAULTS);
  }

  /**
   * @param pipeline the per-rule shares: {@code alarms_per_rule}, {@code rule_log_lines}
   */
  public ActionDispatcher(
      PointDirectory directory,
      Uplink uplink,
      FleetNamespace namespace,
      GatewayListener listener,
      Clock clock,
      PipelineConfig pipeline) {
    this.directory = directory;
    this.uplink = uplink;
    this.namespace = namespace;
    this.listener = listener;
    this.clock = clock;
    this.pipeline = pipeline;
    this.outbox =
        new RuleOutbox(
            uplink,
            pipeline.rulePublishQueue(),
            pipeline.rulePublishBytes(),
            r -> account(r).count("publishes_dropped"));
  }

  /** Rule publications waiting for the uplink (per rule, in turn). */
  public RuleOutbox outbox() {
    return outbox;
  }

  /** The fair, bounded write queues in front of {@code adapter} (made on first use). */
  private FairWrites writesTo(ProtocolAdapter adapter) {
    return writeQueues.computeIfAbsent(
        adapter,
        a ->
            new FairWrites(
                a,
                pipeline.ruleWriteQueue(),
                dropped -> {
                  String origin = dropped.origin();
                  if (origin.startsWith("rule:")) {
                    account(origin.substring("rule:".length())).count("writes_dropped");
                  }
                }));
  }

  /** Writes of {@code origin} (e.g. "rule:pump") waiting for their adapters, all adapters. */
  public int writesWaiting(String origin) {
    return writeQueues.values().stream().mapToInt(q -> q.waiting(origin)).sum();
  }

  /** What the gateway keeps for {@code rule} (made on first use). */
  public RuleAccount account(String rule) {
    return accounts.computeIfAbsent(
        rule,
        r -> new RuleAccount(pipeline.alarmsPerRule(), pipeline.ruleLogLines(), System::nanoTime));
  }

  @Override
  public void handle(RuleSlot slot, List<PointEvent> batch, RuleOutcome outcome, Duration elapsed) {
    String rule = slot.name();
    try {
      listener.onRuleOutcome(rule, batch, outcome, elapsed);
    } catch (RuntimeException e) {
      log.warn("listener failed: {}", e.toString());
    }
    if (outcome instanceof RuleOutcome.Committed committed) {
      for (RuleAction action : committed.actions()) {
        perform(rule, action);
      }
    } else if (outcome instanceof RuleOutcome.Failed failed && batch.isEmpty()) {
      log.warn("rule '{}' tick failed: {} {}", rule, failed.kind(), failed.message());
    } else if (outcome instanceof RuleOutcome.Failed failed) {
      log.warn(
          "rule '{}' batch of {} events (seq {}..{}) failed: {} {}",
          rule,
          batch.size(),
          batch.get(0).sequence(),
          batch.get(batch.size() - 1).sequence(),
          failed.kind(),
          failed.message());
    }
  }

  // package-private for AlarmLogLevelTest
  void perform(String rule, RuleAction action) {
    if (action instanceof RuleAction.WritePoint w) {
      write(new WriteCommand(w.point(), w.value(), "rule:" + rule));
    } else if (action instanceof RuleAction.Publish p) {
      outbox.offer(
          rule, namespace.rulePublication(rule, p.topic(), p.payload(), p.qos(), p.retain()));
    } else if (action instanceof RuleAction.RaiseAlarm a) {
      RuleAccount account = account(rule);
      if (!account.alarms().raise(a.alarm())) {
        refuseAlarm(account, rule, a.alarm());
        return;
      }
      alarmLog(account, rule, "rule '{}' raised alarm '{}' (severity {}): {}", a);
      AlarmChange raised =
          AlarmChange.raised(rule, a.alarm(), a.severity(), a.message(), clock.instant());
      recentAlarms.add(raised);
      namespace.alarm(raised, uplink::publish);
    } else if (action instanceof RuleAction.ClearAlarm c) {
      RuleAccount account = account(rule);
      if (!account.alarms().clear(c.alarm())) {
        refuseAlarm(account, rule, c.alarm());
        return;
      }
      alarmLog(account, rule, "rule '{}' cleared alarm '{}'", c);
      AlarmChange cleared = AlarmChange.cleared(rule, c.alarm(), clock.instant());
      recentAlarms.add(cleared);
      namespace.alarm(cleared, uplink::publish);
    } else if (action instanceof RuleAction.Log l) {
      ruleLog(account(rule), rule, "rule '{}' [{}] {}", rule, l.level(), l.message());
    }
  }

  /**
   * Raises and clears go to MQTT (retained) anyway; at INFO they were about 140 lines/s with 10
   * devices. They are DEBUG lines, within the rule's log budget only when DEBUG is on, so that an
   * alarm rule does not use up the budget of its own log calls.
   */
  private void alarmLog(RuleAccount account, String rule, String format, RuleAction action) {
    if (!log.isDebugEnabled()) {
      return;
    }
    Object[] args =
        action instanceof RuleAction.RaiseAlarm a
            ? new Object[] {rule, a.alarm(), a.severity(), a.message()}
            : new Object[] {rule, ((RuleAction.ClearAlarm) action).alarm()};
    if (takeLogLine(account, rule)) {
      log.debug(format, args);
    }
  }

  private void refuseAlarm(RuleAccount account, String rule, String alarm) {
    account.count("alarms_refused");
    ruleLog(
        account,
        rule,
        "rule '{}': alarm '{}' refused, the rule already has {} active alarms"
            + " (pipeline.alarms_per_rule)",
        rule,
        alarm,
        pipeline.alarmsPerRule());
  }

  /**
   * A gateway log line caused by a rule, within the rule's {@code rule_log_lines} per second; the
   * others are counted ({@code log_lines_suppressed}) and the next line let through says how many.
   */
  private void ruleLog(RuleAccount account, String rule, String format, Object... args) {
    if (takeLogLine(account, rule)) {
      log.info(format, args);
    }
  }

  /** Takes one line of the rule's budget: false (and counted) when there is none left. */
  private boolean takeLogLine(RuleAccount account, String rule) {
    long suppressed = account.log().take();
    if (suppressed < 0) {
      account.count("log_lines_suppressed");
      return false;
    }
    if (suppressed > 0) {
      log.warn(
          "rule '{}': {} log lines suppressed (more than pipeline.rule_log_lines = {} per second)",
          rule,
          suppressed,
          pipeline.ruleLogLines());
    }
    return true;
  }

  /**
   * Routes a write to the adapter owning the point; the result is logged, published and returned.
   */
  public CompletionStage<WriteResult> write(WriteCommand command) {
    writesInFlight.incrementAndGet();
    CompletionStage<WriteResult> stage;
    try {
      stage =
          directory
              .find(command.point())
              .<CompletionStage<WriteResult>>map(e -> writesTo(e.adapter()).submit(command))
              .orElseGet(
                  () ->
                      CompletableFuture.completedFuture(
                          WriteResult.rejected(
                              command, "no device offers point " + command.point())));
    } catch (RuntimeException e) {
      // An adapter that throws instead of failing its stage (e.g. on a value it cannot encode)
      // left the write counted in flight for ever and the MQTT command without an answer.
      stage = CompletableFuture.failedFuture(e);
    }
    return stage
        .exceptionally(e -> WriteResult.failed(command, "adapter error: " + e))
        .thenApply(
            result -> {
              try {
                report(result);
              } finally {
                synchronized (writesInFlight) {
                  writesInFlight.decrementAndGet();
                  writesInFlight.notifyAll();
                }
              }
              return result;
            });
  }

  private void report(WriteResult result) {
    String origin = result.command().origin();
    RuleAccount account =
        origin.startsWith("rule:") ? account(origin.substring("rule:".length())) : null;
    if (account != null && account.log().take() < 0) {
      account.count("log_lines_suppressed"); // a rule's writes log within its own budget
    } else if (result.isOk()) {
      log.info(
          "write {} = {} by {}: OK",
          result.command().point(),
          result.command().value(),
          result.command().origin());
    } else {
      log.warn(
          "write {} = {} by {}: {} {}",
          result.command().point(),
          result.command().value(),
          result.command().origin(),
          result.status(),
          result.detail());
    }
    namespace.writeResult(result, clock.instant(), uplink::publish);
    try {
      listener.onWriteResult(result);
    } catch (RuntimeException e) {
      log.warn("listener failed: {}", e.toString());
    }
  }

  /** Waits until every write asked for so far has its result, or the deadline passes. */
  public boolean awaitWrites(long deadlineNanos) throws InterruptedException {
    synchronized (writesInFlight) {
      while (writesInFlight.get() > 0) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        writesInFlight.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  /**
   * Every rule's alarms as "rule/alarm" → active, for the state snapshot: at most {@code
   * alarms_per_rule} per rule.
   */
  /** The last alarm changes, oldest first (the status page). */
  public List<AlarmChange> recentAlarms() {
    return recentAlarms.snapshot();
  }

  public Map<String, Boolean> alarms() {
    Map<String, Boolean> out = new TreeMap<>();
    accounts.forEach(
        (rule, a) -> a.alarms().snapshot().forEach((k, v) -> out.put(rule + "/" + k, v)));
    return out;
  }
}
