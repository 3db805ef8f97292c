package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.CommandResult;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What became of one request to a device (a read, a bind, Configure Reporting): {@code answered} is
 * false when the device did not answer, which is what tells a caller asking several things in turn
 * to stop; {@code problem} says what went wrong, answered or not.
 */
record ZclAnswer(Optional<String> problem, boolean answered) {
  static final ZclAnswer OK = new ZclAnswer(Optional.empty(), true);

  static ZclAnswer problem(String problem, boolean answered) {
    return new ZclAnswer(Optional.of(problem), answered);
  }

  /** Blocking: waits up to {@code timeout} for the library's answer to the request {@code what}. */
  static ZclAnswer await(Future<CommandResult> future, Duration timeout, String what) {
    if (future == null) {
      return problem(what + ": not sent (the network is stopping)", false);
    }
    try {
      CommandResult r = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (r == null || r.isTimeout()) {
        return problem(what + ": no answer", false);
      }
      if (r.isError()) {
        return problem(what + ": status " + r.getStatusCode(), true);
      }
      return OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return problem(what + ": interrupted", false);
    } catch (ExecutionException | CancellationException | TimeoutException e) {
      future.cancel(true);
      return problem(what + ": no answer", false);
    }
  }
}
