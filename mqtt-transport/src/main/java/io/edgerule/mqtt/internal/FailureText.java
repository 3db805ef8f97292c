package io.edgerule.mqtt.internal;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * One line for why a connection failed or broke, from the exception chain Paho hands us (Paho's own
 * messages, such as "Connection lost" or "Unable to connect to server", hide the cause).
 */
public final class FailureText {
  private static final Pattern ALERT = Pattern.compile("Received fatal alert: (\\w+)");

  private FailureText() {}

  /**
   * @param endpoint host:port, for the message
   * @param clientIdentity our client certificate ("CN=gw (issued by CN=ca)"), null for none
   */
  public static String describe(Throwable failure, String endpoint, String clientIdentity) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TlsProblem) {
        return t.getMessage();
      }
      if (t instanceof HandshakeWitness.ClientCertificateRefused) {
        return refused(clientIdentity);
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException && t.getMessage() != null) {
        Matcher m = ALERT.matcher(t.getMessage());
        if (m.find()) {
          return alert(m.group(1), clientIdentity);
        }
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused by " + endpoint + " (is the broker running?)";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host " + t.getMessage();
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to " + endpoint;
      }
      if (t instanceof SocketTimeoutException) {
        return "no answer from " + endpoint + " within the connect timeout";
      }
      if (t instanceof SSLException) {
        return "TLS with " + endpoint + " failed: " + t.getMessage();
      }
      if (t instanceof EOFException) {
        return "the broker at " + endpoint + " closed the connection";
      }
    }
    if (failure instanceof MqttException e) {
      return mqtt(e, endpoint);
    }
    if (failure instanceof java.util.concurrent.TimeoutException) {
      return failure.getMessage(); // ours, already one line
    }
    return failure == null ? "unknown reason" : failure.toString();
  }

  /** The same line whichever way the refusal showed (an alert, or a connection closed early). */
  private static String refused(String clientIdentity) {
    return clientIdentity == null
        ? "broker requires a client certificate; set tls.client_certificate and tls.client_key"
        : "broker refused our client certificate " + clientIdentity;
  }

  private static String alert(String alert, String clientIdentity) {
    return switch (alert) {
      case "certificate_required",
              "handshake_failure",
              "bad_certificate",
              "unknown_ca",
              "certificate_unknown",
              "access_denied",
              "certificate_expired",
              "certificate_revoked" ->
          refused(clientIdentity);
      case "protocol_version" -> "broker and client share no TLS version (alert protocol_version)";
      default -> "broker ended the TLS handshake (alert " + alert + ")";
    };
  }

  private static String mqtt(MqttException e, String endpoint) {
    return switch (e.getReasonCode()) {
      case MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION ->
          "broker refused the connection:" + " it does not accept MQTT 3.1.1";
      case MqttException.REASON_CODE_INVALID_CLIENT_ID -> "broker refused the client id";
      case MqttException.REASON_CODE_BROKER_UNAVAILABLE ->
          "broker refused the connection:" + " server unavailable";
      case MqttException.REASON_CODE_FAILED_AUTHENTICATION ->
          "broker refused the connection:" + " bad user name or password";
      case MqttException.REASON_CODE_NOT_AUTHORIZED ->
          "broker refused the connection: not" + " authorized";
      case MqttException.REASON_CODE_CLIENT_TIMEOUT ->
          "no answer from the broker at " + endpoint + " in time";
      case MqttException.REASON_CODE_CONNECTION_LOST ->
          "connection to "
              + endpoint
              + " lost"
              + (e.getCause() == null ? "" : ": " + e.getCause().getMessage());
      case MqttException.REASON_CODE_SERVER_CONNECT_ERROR -> "cannot connect to " + endpoint;
      default ->
          e.getCause() != null
              ? e.getCause().toString()
              : e.getMessage() + " (Paho reason " + e.getReasonCode() + ")";
    };
  }
}
