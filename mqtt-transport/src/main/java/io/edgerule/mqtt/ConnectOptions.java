package io.edgerule.mqtt;

import io.edgerule.mqtt.internal.TcpSockets;
import io.edgerule.mqtt.internal.TlsContexts;
import io.edgerule.mqtt.internal.TlsSockets;
import io.edgerule.mqtt.internal.WriteCoalescer;
import java.io.IOException;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

/** Paho's connect options for a {@link TransportConfig}. */
final class ConnectOptions {
  private ConnectOptions() {}

  /**
   * @param writes the client's socket writes
   * @throws IOException when a TLS file cannot be used (the message names it)
   */
  static MqttConnectOptions of(TransportConfig config, WriteCoalescer writes) throws IOException {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setAutomaticReconnect(false); // ours: Paho's retries only after a first success
    options.setCleanSession(config.cleanSession());
    options.setKeepAliveInterval((int) config.keepAlive().toSeconds());
    options.setConnectionTimeout((int) config.connectTimeout().toSeconds());
    // Paho's own limit equals our window, which counts every publish until answered: Paho never
    // refuses one of ours for it.
    options.setMaxInflight(config.maxInFlight());
    if (config.username() != null) {
      options.setUserName(config.username());
      if (config.password() != null) {
        options.setPassword(config.password().toCharArray());
      }
    }
    if (config.will() != null) {
      TransportConfig.Will w = config.will();
      options.setWill(w.topic(), w.payload(), w.qos(), w.retained());
    }
    if (config.tls() != null) {
      options.setSocketFactory(
          new TlsSockets(
              TlsContexts.socketFactory(config.tls(), config.serverUri().getHost()), writes));
      // the JDK's host name check, run (and explained) by our trust manager
      options.setHttpsHostnameVerificationEnabled(config.tls().verifyHostname());
    } else {
      options.setSocketFactory(new TcpSockets(writes));
    }
    return options;
  }
}
