package io.edgerule.adapter.modbus.internal;

import com.digitalpetri.modbus.TimeoutScheduler;
import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import com.digitalpetri.modbus.pdu.ModbusResponsePdu;
import com.digitalpetri.modbus.tcp.client.NettyClientTransportConfig;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link ModbusLink} over one TCP connection, on digitalpetri's {@link ModbusTcpClient} with
 * injected threads.
 *
 * <p>The library's channel state machine is set to neither persistent nor eager: a failed connect
 * just fails, and a lost connection goes idle instead of reconnecting on its own timer, so the
 * poller's {@link io.edgerule.adapter.Backoff} alone decides when to try again. The library does
 * not fail requests in flight when the connection drops (they would wait for their timeout); this
 * link fails them at once with {@link LinkDownException}.
 */
public final class TcpLink implements ModbusLink {
  private final String endpoint;
  private final NettyTcpClientTransport transport;
  private final ModbusTcpClient client;
  private final Set<CompletableFuture<ModbusResponsePdu>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile Consumer<String> linkDownListener = reason -> {};
  private volatile boolean closed;

  public TcpLink(
      String host,
      int port,
      Duration timeout,
      NettyResources threads,
      ScheduledExecutorService scheduler) {
    this.endpoint = host + ":" + port;
    NettyClientTransportConfig config =
        NettyClientTransportConfig.create(
            b -> {
              b.setHostname(host);
              b.setPort(port);
              b.setConnectTimeout(timeout);
              b.setConnectPersistent(false);
              b.setReconnectLazy(true);
              b.setEventLoopGroup(threads.eventLoop());
              b.setExecutor(threads.executor());
              b.setChannelFsmCustomizer(fsm -> fsm.setMaxIdleSeconds(0).setScheduler(scheduler));
            });
    this.transport = new NettyTcpClientTransport(config);
    this.transport.addConnectionListener(
        new NettyTcpClientTransport.ConnectionListener() {
          @Override
          public void onConnection() {}

          @Override
          public void onConnectionLost() {
            if (!closed) {
              failInFlight("connection lost");
              linkDownListener.accept("connection lost");
            }
          }
        });
    this.client =
        ModbusTcpClient.create(
            transport,
            c ->
                c.setRequestTimeout(timeout)
                    .setTimeoutScheduler(TimeoutScheduler.create(threads.executor(), scheduler)));
  }

  @Override
  public String endpoint() {
    return endpoint;
  }

  @Override
  public CompletionStage<Void> connect() {
    if (closed) {
      return CompletableFuture.failedFuture(new LinkDownException("link closed"));
    }
    return client.connectAsync();
  }

  @Override
  public CompletionStage<Void> disconnect() {
    return client.disconnectAsync();
  }

  @Override
  public CompletionStage<ModbusResponsePdu> send(int unitId, ModbusRequestPdu request) {
    if (!transport.isConnected()) {
      // would make the library's idle channel reconnect by itself; the poller decides that
      return CompletableFuture.failedFuture(new LinkDownException("not connected"));
    }
    CompletableFuture<ModbusResponsePdu> result = new CompletableFuture<>();
    inFlight.add(result);
    result.whenComplete((r, e) -> inFlight.remove(result));
    client
        .sendAsync(unitId, request)
        .whenComplete(
            (response, error) -> {
              if (error != null) {
                result.completeExceptionally(error);
              } else {
                result.complete(response);
              }
            });
    return result;
  }

  @Override
  public void onLinkDown(Consumer<String> listener) {
    this.linkDownListener = listener;
  }

  private void failInFlight(String reason) {
    for (CompletableFuture<ModbusResponsePdu> f : inFlight) {
      f.completeExceptionally(new LinkDownException(reason));
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    failInFlight("link closed");
    try {
      client.disconnectAsync().toCompletableFuture().get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // the socket is gone either way; nothing to report on close
    }
  }
}
