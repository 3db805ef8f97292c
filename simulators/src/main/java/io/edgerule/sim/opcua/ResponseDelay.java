package io.edgerule.sim.opcua;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The "slow server" knob: holds every outgoing message of a connection back by the current delay
 * before it reaches the socket. Messages keep their order: each one leaves no earlier than the one
 * before it, also when the delay is lowered mid-stream. Runs on the channel's event loop only.
 */
final class ResponseDelay extends ChannelOutboundHandlerAdapter {
  private final LongSupplier delayMillis;
  private long lastDeadline;
  private int pending;

  ResponseDelay(LongSupplier delayMillis) {
    this.delayMillis = delayMillis;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    long delay = TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMillis.getAsLong()));
    if (delay == 0 && pending == 0) {
      ctx.write(msg, promise);
      return;
    }
    long now = System.nanoTime();
    long deadline = Math.max(now + delay, lastDeadline);
    lastDeadline = deadline;
    pending++;
    ctx.executor()
        .schedule(
            () -> {
              pending--;
              ctx.writeAndFlush(msg, promise);
            },
            deadline - now,
            TimeUnit.NANOSECONDS);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (pending == 0) {
      ctx.flush();
    }
  }
}
