package io.edgerule.sim.opcua;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The "slow server" knob: holds every outgoing message of a connection back by the current delay
 * before it reaches the socket. Messages wait in one FIFO queue, so they keep their order also when
 * the delay changes mid-stream. Runs on the channel's event loop only.
 */
final class ResponseDelay extends ChannelOutboundHandlerAdapter {
  private record Held(Object msg, ChannelPromise promise, long releaseNanos) {}

  private final LongSupplier delayMillis;
  private final ArrayDeque<Held> queue = new ArrayDeque<>();
  private boolean drainScheduled;

  ResponseDelay(LongSupplier delayMillis) {
    this.delayMillis = delayMillis;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    long delay = TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMillis.getAsLong()));
    if (delay == 0 && queue.isEmpty()) {
      ctx.write(msg, promise);
      return;
    }
    queue.add(new Held(msg, promise, System.nanoTime() + delay));
    scheduleDrain(ctx);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (queue.isEmpty()) {
      ctx.flush();
    }
  }

  private void scheduleDrain(ChannelHandlerContext ctx) {
    if (drainScheduled || queue.isEmpty()) {
      return;
    }
    drainScheduled = true;
    long wait = Math.max(0, queue.peek().releaseNanos() - System.nanoTime());
    ctx.executor().schedule(() -> drain(ctx), wait, TimeUnit.NANOSECONDS);
  }

  private void drain(ChannelHandlerContext ctx) {
    drainScheduled = false;
    long now = System.nanoTime();
    boolean wrote = false;
    while (!queue.isEmpty() && queue.peek().releaseNanos() <= now) {
      Held h = queue.poll();
      ctx.write(h.msg(), h.promise());
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
    scheduleDrain(ctx);
  }
}
