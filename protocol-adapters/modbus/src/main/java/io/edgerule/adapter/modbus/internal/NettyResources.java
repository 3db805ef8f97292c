package io.edgerule.adapter.modbus.internal;

import io.netty.channel.nio.NioEventLoopGroup;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of the TCP links of one gateway's Modbus TCP adapters: one Netty event loop thread
 * for all sockets and a small executor for decoding and callbacks, both made with the daemon's
 * thread factory instead of digitalpetri's static shared pools. Nothing here blocks, so devices
 * sharing these threads never wait on each other. Reference-counted: each adapter holds a lease and
 * the threads stop when the last lease is released. Threads start lazily, on the first connect.
 */
public final class NettyResources {
  private static final Logger log = LoggerFactory.getLogger(NettyResources.class);

  /** Executor threads: callbacks are short, two keep one slow sink call from stalling others. */
  private static final int EXECUTOR_THREADS = 2;

  private final NioEventLoopGroup eventLoop;
  private final ExecutorService executor;
  private int leases;
  private boolean released;

  public NettyResources(ThreadFactory threadFactory) {
    this.eventLoop = new NioEventLoopGroup(1, threadFactory);
    this.executor = Executors.newFixedThreadPool(EXECUTOR_THREADS, threadFactory);
  }

  public NioEventLoopGroup eventLoop() {
    return eventLoop;
  }

  public ExecutorService executor() {
    return executor;
  }

  /**
   * Takes a lease unless the threads were already released (the last lease given back): then null,
   * and the caller makes new resources.
   */
  public synchronized Runnable tryLease() {
    return released ? null : lease();
  }

  /** Takes a lease; {@link Runnable#run()} on the result gives it back (once). */
  public synchronized Runnable lease() {
    if (released) {
      throw new IllegalStateException("resources already released");
    }
    leases++;
    boolean[] returned = {false};
    return () -> {
      synchronized (NettyResources.this) {
        if (returned[0]) {
          return;
        }
        returned[0] = true;
        if (--leases == 0) {
          release();
        }
      }
    };
  }

  private void release() {
    released = true;
    executor.shutdown();
    eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    log.debug("modbus netty threads released");
  }
}
