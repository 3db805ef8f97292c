package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.WriteCommand;
import io.edgerule.daemon.LogLevels;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.namespace.CommandId;
import io.edgerule.daemon.namespace.CommandResult;
import io.edgerule.daemon.namespace.FleetCommand;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.daemon.namespace.GatewayState;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands from the fleet, read by the {@link FleetNamespace} (JSON: {@code <root>/cmd/<name>}).
 * Every command gets an answer through the namespace (JSON: {@code <root>/cmd-result}), also a
 * malformed one ({@code INVALID} with what is wrong), with the command's correlation id. Commands:
 *
 * <ul>
 *   <li>{@code write}: a device write, through the same path as a rule's writes.
 *   <li>{@code rule}: switches a rule off until an {@code enable} (which also re-admits a
 *       quarantined rule at once); the answer's detail carries the rule's new status.
 *   <li>{@code status}: answers with the gateway's state snapshot.
 *   <li>{@code log-level}: sets a logger's level at run time.
 *   <li>{@code reload}: reads the config file again and applies what changed; answered when done,
 *       with what changed, what needs a restart, or why the new config was refused.
 *   <li>rebirth (Sparkplug's Node Control/Rebirth): publishes the birth messages again.
 * </ul>
 */
public final class Commands {
  private static final Logger log = LoggerFactory.getLogger(Commands.class);

  private final Uplink uplink;
  private final FleetNamespace namespace;
  private final ActionDispatcher dispatcher;
  private final RuleControl rules;
  private final Supplier<GatewayState> status;
  private final Reloader reloader;

  /** A config reload (the gateway implements it): its answer when it is done. */
  public interface Reloader {
    /** Status (OK, FAILED, INVALID, REJECTED) and detail of the answer. */
    record Answer(String status, String detail) {}

    /** Starts a reload; never waits for it. */
    CompletionStage<Answer> reload();
  }

  /** Operator control of loaded rules (the gateway implements it). */
  public interface RuleControl {
    /**
     * @return the rule's status afterwards
     * @throws IllegalArgumentException if no such rule is loaded (the message says which are)
     */
    String enable(String rule);

    /** Like {@link #enable}. */
    String disable(String rule);
  }

  public Commands(Uplink uplink, FleetNamespace namespace, ActionDispatcher dispatcher) {
    this(uplink, namespace, dispatcher, null, null);
  }

  public Commands(
      Uplink uplink, FleetNamespace namespace, ActionDispatcher dispatcher, RuleControl rules) {
    this(uplink, namespace, dispatcher, rules, null);
  }

  /**
   * @param rules null: the {@code rule} command answers that rule control is not available
   * @param status the state snapshot for the {@code status} command; null: not available
   */
  public Commands(
      Uplink uplink,
      FleetNamespace namespace,
      ActionDispatcher dispatcher,
      RuleControl rules,
      Supplier<GatewayState> status) {
    this(uplink, namespace, dispatcher, rules, status, null);
  }

  /**
   * @param reloader the config reload for the {@code reload} command; null: not available
   */
  public Commands(
      Uplink uplink,
      FleetNamespace namespace,
      ActionDispatcher dispatcher,
      RuleControl rules,
      Supplier<GatewayState> status,
      Reloader reloader) {
    this.reloader = reloader;
    this.uplink = uplink;
    this.namespace = namespace;
    this.dispatcher = dispatcher;
    this.rules = rules;
    this.status = status;
  }

  public void subscribe() {
    for (String filter : namespace.commandFilters()) {
      uplink.subscribe(filter, this::onCommand);
    }
  }

  void onCommand(String topic, byte[] payload) {
    String name = topic == null ? "" : topic.substring(topic.lastIndexOf('/') + 1);
    try {
      // One message may hold several commands (a Sparkplug DCMD with several metrics): each is
      // carried out and answered on its own.
      for (FleetCommand command : namespace.decodeAll(topic, payload)) {
        name = command.name();
        handle(command);
      }
    } catch (RuntimeException e) {
      // Runs on the MQTT client's callback thread: nothing may escape, and every command gets an
      // answer, also one that hit a bug.
      log.warn("command {} failed: {}", name, e.toString());
      try {
        answer(null, name, "FAILED", "internal error: " + e);
      } catch (RuntimeException again) {
        log.warn("command {}: cannot answer: {}", name, again.toString());
      }
    }
  }

  private void handle(FleetCommand command) {
    CommandId id = command.id();
    String name = command.name();
    if (command instanceof FleetCommand.Invalid invalid) {
      answer(id, name, "INVALID", invalid.detail());
    } else if (command instanceof FleetCommand.Write w) {
      log.info("command {} {}: write {} = {}", name, text(id), w.point(), w.value());
      dispatcher
          .write(new WriteCommand(w.point(), w.value(), "mqtt:" + text(id)))
          .whenComplete(
              (r, e) -> {
                // A stage that fails (instead of completing with a FAILED result) is answered too.
                if (e != null) {
                  answer(id, name, "FAILED", "write failed: " + e);
                } else {
                  answer(id, name, r.status().name(), r.detail());
                }
              });
    } else if (command instanceof FleetCommand.RuleControl rc) {
      onRuleCommand(id, name, rc);
    } else if (command instanceof FleetCommand.Status) {
      if (status == null) {
        answer(id, name, "REJECTED", "this gateway does not offer its status");
      } else {
        namespace.commandResult(
            new CommandResult(id, name, "OK", "", status.get()), uplink::publish);
      }
    } else if (command instanceof FleetCommand.LogLevel ll) {
      String before;
      try {
        before = LogLevels.set(ll.logger(), ll.level());
      } catch (IllegalArgumentException e) {
        answer(id, name, "INVALID", e.getMessage());
        return;
      } catch (IllegalStateException e) {
        answer(id, name, "REJECTED", e.getMessage());
        return;
      }
      log.info(
          "command {} {}: logger '{}' level {} -> {}",
          name,
          text(id),
          ll.logger(),
          before,
          ll.level());
      answer(id, name, "OK", "logger '" + ll.logger() + "' was " + before + ", is " + ll.level());
    } else if (command instanceof FleetCommand.Reload) {
      onReload(id, name);
    } else if (command instanceof FleetCommand.Rebirth) {
      log.info("command {} {}: rebirth", name, text(id));
      namespace.birth(uplink::publish);
      answer(id, name, "OK", "");
    }
  }

  private void onRuleCommand(CommandId id, String name, FleetCommand.RuleControl rc) {
    if (rules == null) {
      answer(id, name, "REJECTED", "this gateway does not offer rule control");
      return;
    }
    String action = rc.enable() ? "enable" : "disable";
    try {
      String now = rc.enable() ? rules.enable(rc.rule()) : rules.disable(rc.rule());
      log.info("command {} {}: {} rule '{}' -> {}", name, text(id), action, rc.rule(), now);
      answer(id, name, "OK", "rule '" + rc.rule() + "' is " + now);
    } catch (IllegalArgumentException | IllegalStateException e) {
      answer(id, name, "INVALID", e.getMessage());
    }
  }

  private void onReload(CommandId id, String name) {
    if (reloader == null) {
      answer(id, name, "REJECTED", "this gateway does not offer config reload");
      return;
    }
    log.info("command {} {}: reload", name, text(id));
    // Runs on the gateway's reload thread: a reload closes and opens devices and swaps rules, and
    // the MQTT callback thread must not wait for that.
    reloader
        .reload()
        .whenComplete(
            (a, e) -> {
              if (e != null) {
                answer(id, name, "FAILED", "reload failed: " + e);
              } else {
                answer(id, name, a.status(), a.detail());
              }
            });
  }

  private static String text(CommandId id) {
    return id == null ? "" : id.text();
  }

  private void answer(CommandId id, String command, String status, String detail) {
    namespace.commandResult(new CommandResult(id, command, status, detail), uplink::publish);
  }
}
