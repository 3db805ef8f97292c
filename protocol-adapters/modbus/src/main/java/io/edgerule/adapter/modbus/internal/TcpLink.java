package io.edgerule.adapter.modbus.internal;

import com.digitalpetri.modbus.TimeoutScheduler;
import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import com.digitalpetri.modbus.pdu.ModbusResponsePdu;
import com.digitalpetri.modbus.tcp.client.NettyClientTransportConfig;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link ModbusLink} over one TCP connection, on digitalpetri's {@link ModbusTcpClient} with
 * injected threads.
 *
 * <ul>
 *   <li>The host name is resolved on the daemon's blocking-I/O pool before every connect, and the
 *       client is built for the address found: the library would otherwise resolve it inside its
 *       connect, on a shared callback thread, where a slow DNS server would stall every device. A
 *       changed address (DHCP) is picked up at the next reconnect.
 *   <li>The library's channel state machine is set to neither persistent nor eager: a failed
 *       connect just fails, and a lost connection goes idle instead of reconnecting on its own
 *       timer, so the poller's {@link io.edgerule.adapter.Backoff} alone decides when to retry.
 *   <li>The library does not fail requests in flight when the connection drops (they would wait for
 *       their timeout); this link fails them at once with {@link LinkDownException}.
 * </ul>
 */
public final class TcpLink implements ModbusLink {
  private final String host;
  private final int port;
  private final String endpoint;
  private final Duration timeout;
  private final NettyResources threads;
  private final ScheduledExecutorService scheduler;
  private final Executor blockingIo;
  private final Set<CompletableFuture<ModbusResponsePdu>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile Consumer<String> linkDownListener = reason -> {};
  private volatile Connection connection; // null until the first connect
  private volatile boolean closed;

  /** A client for one resolved address. */
  private record Connection(
      InetAddress address, NettyTcpClientTransport transport, ModbusTcpClient client) {}

  public TcpLink(
      String host,
      int port,
      Duration timeout,
      NettyResources threads,
      ScheduledExecutorService scheduler,
      Executor blockingIo) {
    this.host = host;
    this.port = port;
    this.endpoint = host + ":" + port;
    this.timeout = timeout;
    this.threads = threads;
    this.scheduler = scheduler;
    this.blockingIo = blockingIo;
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
    return CompletableFuture.supplyAsync(this::resolve, blockingIo)
        .thenCompose(
            address -> {
              Connection c = connection;
              if (c == null || !c.address().equals(address)) {
                if (c != null) {
                  c.client().disconnectAsync();
                }
                c = open(address);
                connection = c;
              }
              return c.client().connectAsync();
            });
  }

  private InetAddress resolve() {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new CompletionException(new UnknownHostException(host));
    }
  }

  private Connection open(InetAddress address) {
    NettyClientTransportConfig config =
        NettyClientTransportConfig.create(
            b -> {
              b.setHostname(address.getHostAddress()); // a literal: no lookup in the library
              b.setPort(port);
              b.setConnectTimeout(timeout);
              b.setConnectPersistent(false);
              b.setReconnectLazy(true);
              b.setEventLoopGroup(threads.eventLoop());
              b.setExecutor(threads.executor());
              b.setChannelFsmCustomizer(fsm -> fsm.setMaxIdleSeconds(0).setScheduler(scheduler));
            });
    NettyTcpClientTransport transport = new NettyTcpClientTransport(config);
    ModbusTcpClient client =
        ModbusTcpClient.create(
            transport,
            c ->
                c.setRequestTimeout(timeout)
                    .setTimeoutScheduler(TimeoutScheduler.create(threads.executor(), scheduler)));
    Connection connection = new Connection(address, transport, client);
    transport.addConnectionListener(
        new NettyTcpClientTransport.ConnectionListener() {
          @Override
          public void onConnection() {}

          @Override
          public void onConnectionLost() {
            if (!closed && TcpLink.this.connection == connection) {
              failInFlight("connection lost");
              linkDownListener.accept("connection lost");
            }
          }
        });
    return connection;
  }

  @Override
  public CompletionStage<Void> disconnect() {
    Connection c = connection;
    return c == null ? CompletableFuture.completedFuture(null) : c.client().disconnectAsync();
  }

  @Override
  public CompletionStage<ModbusResponsePdu> send(int unitId, ModbusRequestPdu request) {
    Connection c = connection;
    if (c == null || !c.transport().isConnected()) {
      // an idle channel would reconnect by itself on a send; the poller decides that
      return CompletableFuture.failedFuture(new LinkDownException("not connected"));
    }
    CompletableFuture<ModbusResponsePdu> result = new CompletableFuture<>();
    inFlight.add(result);
    result.whenComplete((r, e) -> inFlight.remove(result));
    c.client()
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
    Connection c = connection;
    if (c == null) {
      return;
    }
    try {
      c.client().disconnectAsync().toCompletableFuture().get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // the socket is gone either way; nothing to report on close
    }
  }
}
