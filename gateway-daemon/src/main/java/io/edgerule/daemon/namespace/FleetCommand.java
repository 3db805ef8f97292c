package io.edgerule.daemon.namespace;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;

/**
 * A command from the fleet, decoded by the {@link FleetNamespace} from whatever its wire form is
 * (JSON on {@code cmd/<name>}, Sparkplug NCMD/DCMD metrics). Every command is answered with a
 * {@link CommandResult} carrying its {@link #id()} and {@link #name()}.
 */
public sealed interface FleetCommand {
  /** The correlation id to echo, or null. */
  CommandId id();

  /** The command's name as the fleet sent it (the answer carries it). */
  String name();

  /** Write {@code value} to a device point, through the same path as a rule's write. */
  record Write(CommandId id, String name, PointId point, PointValue value)
      implements FleetCommand {}

  /** Enable or disable a loaded rule. */
  record RuleControl(CommandId id, String name, String rule, boolean enable)
      implements FleetCommand {}

  /** Answer with the gateway's state snapshot. */
  record Status(CommandId id, String name) implements FleetCommand {}

  /**
   * Set a logger's level at run time.
   *
   * @param level already validated: TRACE, DEBUG, INFO, WARN, ERROR or OFF, upper case
   */
  record LogLevel(CommandId id, String name, String logger, String level) implements FleetCommand {}

  /** Read the config file again and apply what changed (docs/reference/config.md, "Reload"). */
  record Reload(CommandId id, String name) implements FleetCommand {}

  /** Publish the birth messages again (Sparkplug's "Node Control/Rebirth"). */
  record Rebirth(CommandId id, String name) implements FleetCommand {}

  /** A message that is not a valid command: answered {@code INVALID} with {@code detail}. */
  record Invalid(CommandId id, String name, String detail) implements FleetCommand {}
}
