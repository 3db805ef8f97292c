package io.edgerule.adapter.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.security.Security;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfigBuilder;

/**
 * The threads Milo runs on, made from the daemon's thread factory instead of Milo's static shared
 * pools ({@code Stack.sharedEventLoop()} and friends), and released on close. Milo's client lets
 * all four be injected through {@link OpcTcpClientTransportConfigBuilder}:
 *
 * <ul>
 *   <li>a Netty event loop with one thread (socket I/O, cheap per connection);
 *   <li>a HashedWheelTimer thread (request timeouts);
 *   <li>a cached executor for Milo's callbacks and state machines (Milo blocks on it in places, so
 *       it must be able to grow; idle threads end after a minute);
 *   <li>the daemon's scheduler for Milo's timers (keep-alives, reconnect waits, watchdogs).
 * </ul>
 *
 * Shared by one gateway's OPC-UA adapters, reference counted: the last {@link #release()} stops the
 * threads. Not replaceable: Milo's NonceUtil starts one short-lived thread on first use to seed its
 * SecureRandom.
 */
public final class MiloResources {
  private final EventLoopGroup eventLoop;
  private final HashedWheelTimer wheelTimer;
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;
  private int references;

  public MiloResources(ThreadFactory threadFactory, ScheduledExecutorService scheduler) {
    ensureBouncyCastle();
    this.eventLoop = new NioEventLoopGroup(1, threadFactory);
    this.wheelTimer = new HashedWheelTimer(threadFactory);
    this.executor = Executors.newCachedThreadPool(threadFactory);
    this.scheduler = scheduler;
  }

  /**
   * Aes256_Sha256_RsaPss signs with "SHA256withRSA/PSS", an algorithm name only BouncyCastle
   * provides; Milo expects the application to register the provider.
   */
  public static void ensureBouncyCastle() {
    synchronized (Security.class) {
      if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
        Security.addProvider(new BouncyCastleProvider());
      }
    }
  }

  private boolean released;

  public synchronized MiloResources retain() {
    if (released) {
      throw new IllegalStateException("Milo threads already released");
    }
    references++;
    return this;
  }

  /** Retains unless already released (the last user gone): then false, make new resources. */
  public synchronized boolean tryRetain() {
    if (released) {
      return false;
    }
    references++;
    return true;
  }

  /** Stops the threads when the last user releases them. */
  public void release() {
    synchronized (this) {
      if (--references > 0) {
        return;
      }
      released = true;
    }
    executor.shutdown();
    wheelTimer.stop().forEach(Timeout::cancel);
    eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public ExecutorService executor() {
    return executor;
  }

  /** Points a transport config at these threads, with connect and handshake timeouts. */
  public void configure(OpcTcpClientTransportConfigBuilder builder, Duration timeout) {
    builder
        .setEventLoop(eventLoop)
        .setWheelTimer(wheelTimer)
        .setExecutor(executor)
        .setScheduledExecutor(scheduler)
        .setConnectTimeout(uint(timeout.toMillis()))
        .setAcknowledgeTimeout(uint(timeout.toMillis()));
  }
}
