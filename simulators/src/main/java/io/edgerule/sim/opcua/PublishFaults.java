package io.edgerule.sim.opcua;

import static org.eclipse.milo.opcua.sdk.server.servicesets.AbstractServiceSet.createResponseHeader;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.servicesets.impl.DefaultSubscriptionServiceSet;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.structured.NotificationMessage;
import org.eclipse.milo.opcua.stack.core.types.structured.PublishRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.PublishResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.RepublishRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.RepublishResponse;
import org.eclipse.milo.opcua.stack.transport.server.ServiceRequestContext;

/**
 * Milo's subscription services with two faults a client must survive, both of which deliver a data
 * notification a second time:
 *
 * <ul>
 *   <li><b>repeat</b>: a Publish request is answered at once with a copy of the last data response
 *       (same sequence number, same values), as a server that re-sends would;
 *   <li><b>swap</b>: a data response is held back and sent after the next one, as a reordering path
 *       would. The client sees a gap in the sequence numbers and calls Republish for the missing
 *       message (answered by Milo's real retransmission queue), then receives the held one as well.
 * </ul>
 *
 * Keep-alive responses pass unchanged. Each fault is armed for a number of occurrences.
 */
final class PublishFaults extends DefaultSubscriptionServiceSet {
  /** A held response goes out after this long even if no second one came to swap it with. */
  private static final long MAX_HOLD_MILLIS = 2000;

  private final ScheduledExecutorService scheduler;
  private final AtomicInteger repeats = new AtomicInteger();
  private final AtomicInteger swaps = new AtomicInteger();
  private final AtomicLong republishRequests = new AtomicLong();
  private volatile PublishResponse lastData;

  // guarded by this
  private CompletableFuture<PublishResponse> heldFuture;
  private PublishResponse held;

  PublishFaults(OpcUaServer server, ScheduledExecutorService scheduler) {
    super(server);
    this.scheduler = scheduler;
  }

  void repeat(int times) {
    repeats.addAndGet(times);
  }

  void swap(int pairs) {
    swaps.addAndGet(pairs);
  }

  long republishRequests() {
    return republishRequests.get();
  }

  @Override
  public RepublishResponse onRepublish(ServiceRequestContext context, RepublishRequest request)
      throws UaException {
    republishRequests.incrementAndGet();
    return super.onRepublish(context, request);
  }

  @Override
  public CompletableFuture<PublishResponse> onPublish(
      ServiceRequestContext context, PublishRequest request) {
    PublishResponse last = lastData;
    if (last != null && take(repeats)) {
      return CompletableFuture.completedFuture(
          new PublishResponse(
              createResponseHeader(request),
              last.getSubscriptionId(),
              last.getAvailableSequenceNumbers(),
              last.getMoreNotifications(),
              last.getNotificationMessage(),
              null,
              null));
    }
    CompletableFuture<PublishResponse> out = new CompletableFuture<>();
    super.onPublish(context, request)
        .whenComplete(
            (response, e) -> {
              if (e != null) {
                out.completeExceptionally(e);
              } else if (!hasData(response)) {
                out.complete(response);
              } else {
                lastData = response;
                delivered(out, response);
              }
            });
    return out;
  }

  /** Sends a data response, unless it is held back to go out after the next one. */
  private void delivered(CompletableFuture<PublishResponse> out, PublishResponse response) {
    CompletableFuture<PublishResponse> earlierFuture;
    PublishResponse earlier;
    synchronized (this) {
      if (heldFuture == null) {
        if (take(swaps)) {
          heldFuture = out;
          held = response;
          scheduler.schedule(() -> release(out), MAX_HOLD_MILLIS, TimeUnit.MILLISECONDS);
          return;
        }
        earlierFuture = null;
        earlier = null;
      } else {
        earlierFuture = heldFuture;
        earlier = held;
        heldFuture = null;
        held = null;
      }
    }
    // The later message first, then the one held back: the client sees a gap, then a re-delivery.
    out.complete(response);
    if (earlierFuture != null) {
      earlierFuture.complete(earlier);
    }
  }

  private void release(CompletableFuture<PublishResponse> which) {
    CompletableFuture<PublishResponse> f;
    PublishResponse r;
    synchronized (this) {
      if (heldFuture != which) {
        return; // already sent after its successor
      }
      f = heldFuture;
      r = held;
      heldFuture = null;
      held = null;
    }
    if (f != null) {
      f.complete(r);
    }
  }

  private static boolean take(AtomicInteger budget) {
    return budget.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  private static boolean hasData(PublishResponse response) {
    NotificationMessage m = response.getNotificationMessage();
    return m != null && m.getNotificationData() != null && m.getNotificationData().length > 0;
  }
}
