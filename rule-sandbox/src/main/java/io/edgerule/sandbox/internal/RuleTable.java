package io.edgerule.sandbox.internal;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;

/**
 * A rule's table: a fresh {@link Table} per instance (Chicory grows the module's own limits object
 * in place) capped at {@code limits.max_table_elements}, whose element stores and growth keep the
 * deadline. {@code table.fill}, {@code table.copy} and {@code table.init} are loops inside Chicory
 * that store one element at a time through {@link #setRef} and never check for interruption, so
 * thousands of them in straight-line code ran past the deadline like {@code memory.fill} did
 * ({@link BulkWork}); each store checks now (a thread-field load). Growth draws on the rule's
 * {@link HeapBudget}, shared by all its tables.
 */
final class RuleTable extends TableInstance {
  private final HeapBudget budget;

  RuleTable(Table declared, int cap, int initValue, HeapBudget budget) {
    super(
        new Table(
            declared.elementType(),
            new TableLimits(declared.limits().min(), Math.min(declared.limits().max(), cap)),
            declared.initialize()),
        initValue);
    this.budget = budget;
  }

  @Override
  public void setRef(int index, int value, Instance instance) {
    BulkWork.checkInterrupt();
    super.setRef(index, value, instance);
  }

  @Override
  public int grow(int size, int value, Instance instance) {
    BulkWork.checkInterrupt(); // copies and fills the whole table without a back edge
    // Within the table's own cap and the rule's heap budget (all tables together), else -1 as
    // for any failed grow. A refused grow takes nothing.
    if (size < 0 || (long) size() + size > limits().max()) {
      return -1;
    }
    if (!budget.take(size * ModuleCost.PER_TABLE_ELEMENT)) {
      return -1;
    }
    return super.grow(size, value, instance);
  }
}
