package io.edgerule.daemon.namespace;

/**
 * The answer to one command.
 *
 * @param id the command's correlation id, or null when it had none (or it could not be read)
 * @param command the command's name ({@code write}, {@code rule}, ...), as the fleet sent it
 * @param status {@code OK}, {@code INVALID}, {@code REJECTED}, {@code FAILED}, {@code TIMEOUT}
 * @param detail what happened, or empty
 * @param state the state snapshot answering a {@code status} command, else null
 */
public record CommandResult(
    CommandId id, String command, String status, String detail, GatewayState state) {

  public CommandResult {
    detail = detail == null ? "" : detail;
  }

  public CommandResult(CommandId id, String command, String status, String detail) {
    this(id, command, status, detail, null);
  }
}
