package io.edgerule.ota.device;

/** A deploy was refused; nothing changed. The message names the rule and the reason. */
public class DeployException extends RuntimeException {
  public DeployException(String message, Throwable cause) {
    super(message, cause);
  }

  public DeployException(String message) {
    super(message);
  }
}
