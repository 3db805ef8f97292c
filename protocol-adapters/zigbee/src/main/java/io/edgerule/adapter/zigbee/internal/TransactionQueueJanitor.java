package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.ZigBeeNetworkManager;
import com.zsmartsystems.zigbee.transaction.ZigBeeTransaction;
import com.zsmartsystems.zigbee.transaction.ZigBeeTransaction.TransactionState;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes "phantom" entries from the transaction queues of zsmartsystems 1.4.16.1.
 *
 * <p>The defect: {@code ZigBeeTransactionManager} files a transaction to a node it does not know in
 * its shared default queue, but on completion looks the queue up again by the destination; if the
 * node became known meanwhile, it finds the node's queue (or none) and the finished transaction
 * stays "outstanding" in the default queue for ever. That queue allows one outstanding transaction,
 * so every later transaction to an unknown node waits for ever and discovery stalls. The {@link
 * ReceiveGuard} avoids the usual trigger; this janitor is the safety net for the rest (for example
 * the coordinator listing children the gateway has never seen).
 *
 * <p>It reaches into private fields, so it is tied to 1.4.16.1: {@link #attach} fails loudly if
 * they are gone. A transaction is removed only when it was seen finished (COMPLETE, FAILED or
 * CANCELLED) in two sweeps in a row, so one that is being completed right now is left alone.
 */
public final class TransactionQueueJanitor {
  private static final Logger log = LoggerFactory.getLogger(TransactionQueueJanitor.class);

  private final Object transactionManager;
  private final Field defaultQueueField;
  private final Field nodeQueueField;
  private final Field outstandingField;
  private final Field stateField;
  private final Method sendNextTransaction;
  private Set<Object> seenFinished = new HashSet<>();

  private TransactionQueueJanitor(Object transactionManager) throws ReflectiveOperationException {
    this.transactionManager = transactionManager;
    Class<?> managerClass = transactionManager.getClass();
    this.defaultQueueField = accessible(managerClass.getDeclaredField("defaultQueue"));
    this.nodeQueueField = accessible(managerClass.getDeclaredField("nodeQueue"));
    Class<?> queueClass = defaultQueueField.getType();
    this.outstandingField = accessible(queueClass.getDeclaredField("outstandingTransactions"));
    this.stateField = accessible(ZigBeeTransaction.class.getDeclaredField("state"));
    this.sendNextTransaction = managerClass.getDeclaredMethod("sendNextTransaction");
    this.sendNextTransaction.setAccessible(true);
  }

  /**
   * @throws IllegalStateException when the library's internals are not those of 1.4.16.1
   */
  public static TransactionQueueJanitor attach(ZigBeeNetworkManager manager) {
    try {
      Field f = accessible(ZigBeeNetworkManager.class.getDeclaredField("transactionManager"));
      return new TransactionQueueJanitor(f.get(manager));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "the zsmartsystems transaction manager is not the 1.4.16.1 one this workaround knows: "
              + e,
          e);
    }
  }

  /**
   * One sweep: forgets transactions seen finished twice and lets the manager send what waited.
   *
   * @return how many phantom entries were removed
   */
  public int sweep() {
    int removed = 0;
    try {
      synchronized (transactionManager) {
        Set<Object> finishedNow = new HashSet<>();
        for (Object queue : queues()) {
          @SuppressWarnings("unchecked")
          Set<Object> outstanding = (Set<Object>) outstandingField.get(queue);
          for (Iterator<Object> it = outstanding.iterator(); it.hasNext(); ) {
            Object transaction = it.next();
            TransactionState state = (TransactionState) stateField.get(transaction);
            if (state == TransactionState.COMPLETE
                || state == TransactionState.FAILED
                || state == TransactionState.CANCELLED) {
              if (seenFinished.contains(transaction)) {
                it.remove();
                removed++;
                log.debug("removed a finished transaction stuck in a queue: {}", transaction);
              } else {
                finishedNow.add(transaction);
              }
            }
          }
        }
        seenFinished = finishedNow;
        if (removed > 0) {
          sendNextTransaction.invoke(transactionManager);
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("transaction queue sweep failed: {}", e.toString());
    }
    if (removed > 0) {
      log.info(
          "released {} stuck Zigbee transaction(s) (zsmartsystems default-queue defect)", removed);
    }
    return removed;
  }

  private List<Object> queues() throws IllegalAccessException {
    List<Object> queues = new ArrayList<>();
    queues.add(defaultQueueField.get(transactionManager));
    Object nodeQueues = nodeQueueField.get(transactionManager);
    if (nodeQueues instanceof Map<?, ?> map) {
      Collection<?> values = map.values();
      queues.addAll(values);
    }
    return queues;
  }

  private static Field accessible(Field f) {
    f.setAccessible(true);
    return f;
  }
}
