package io.edgerule.mqtt.outbox.internal;

import io.edgerule.mqtt.outbox.MessageClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongPredicate;

/**
 * The outbox's table in one SQLite file: WAL journal with synchronous=FULL, so each commit fsyncs
 * the log and a committed transaction survives power loss (NORMAL would survive {@code kill -9} but
 * may lose the last commits on power loss; with commits batched every 100 ms the fsync is cheap).
 * Two connections: one writes, one reads (WAL lets a reader see the last commit while a commit is
 * under way, so the forwarder does not wait for fsyncs). Not thread-safe: the caller holds one lock
 * around the writing calls and another around the reading ones ({@link #read}, {@link
 * #lastIdPerTopic}).
 */
public final class SqliteStore implements AutoCloseable {
  private final Connection db;
  private final Connection reader;
  private final PreparedStatement insert;
  private final PreparedStatement delete;
  private final PreparedStatement oldest;
  private final PreparedStatement deleteThrough;
  private final PreparedStatement read;
  private final PreparedStatement setCounter;

  /**
   * sqlite-jdbc's connection options. Generated keys off: ids are ours, and with them on the driver
   * follows every INSERT with a regular-expression match of its SQL and a new statement running
   * {@code SELECT last_insert_rowid()}, which was most of the flush's CPU when messages were
   * committed before their acknowledgement (JFR at 10,000 messages/s: 64 % of the flush thread's
   * samples).
   */
  private static Properties options() {
    Properties p = new Properties();
    p.setProperty("jdbc.get_generated_keys", "false");
    return p;
  }

  public SqliteStore(Path file) throws IOException {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), options());
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute(
            "CREATE TABLE IF NOT EXISTS messages(id INTEGER PRIMARY KEY, cls TEXT NOT NULL,"
                + " topic TEXT NOT NULL, payload BLOB NOT NULL, qos INTEGER NOT NULL,"
                + " retain INTEGER NOT NULL, size INTEGER NOT NULL, created_ms INTEGER NOT NULL)");
        s.execute("CREATE INDEX IF NOT EXISTS messages_by_class ON messages(cls, id)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      }
      db.setAutoCommit(false);
      reader = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), options());
      reader.setAutoCommit(false);
      insert =
          db.prepareStatement(
              "INSERT INTO messages(id, cls, topic, payload, qos, retain, size, created_ms)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      delete = db.prepareStatement("DELETE FROM messages WHERE id = ?");
      oldest =
          db.prepareStatement("SELECT id, size FROM messages WHERE cls = ? ORDER BY id LIMIT 256");
      deleteThrough = db.prepareStatement("DELETE FROM messages WHERE cls = ? AND id <= ?");
      read =
          reader.prepareStatement(
              "SELECT id, cls, topic, payload, qos, retain, size, created_ms FROM messages"
                  + " WHERE id > ? AND id <= ? ORDER BY id LIMIT ?");
      setCounter =
          db.prepareStatement(
              "INSERT INTO counters(name, value) VALUES (?, ?)"
                  + " ON CONFLICT(name) DO UPDATE SET value = excluded.value");
      db.commit();
    } catch (SQLException e) {
      throw new IOException("outbox " + file + ": " + e.getMessage(), e);
    }
  }

  /** Per class: {count, bytes} of the stored messages. */
  public Map<MessageClass, long[]> totals() throws SQLException {
    Map<MessageClass, long[]> m = new EnumMap<>(MessageClass.class);
    try (Statement s = db.createStatement();
        ResultSet r =
            s.executeQuery("SELECT cls, count(*), sum(size) FROM messages GROUP BY cls")) {
      while (r.next()) {
        m.put(MessageClass.valueOf(r.getString(1)), new long[] {r.getLong(2), r.getLong(3)});
      }
    }
    db.commit();
    return m;
  }

  public Map<String, Long> counters() throws SQLException {
    Map<String, Long> m = new HashMap<>();
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT name, value FROM counters")) {
      while (r.next()) {
        m.put(r.getString(1), r.getLong(2));
      }
    }
    db.commit();
    return m;
  }

  public long maxId() throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT coalesce(max(id), 0) FROM messages")) {
      r.next();
      long v = r.getLong(1);
      db.commit();
      return v;
    }
  }

  public void insert(StoredMessage m) throws SQLException {
    insert.setLong(1, m.id());
    insert.setString(2, m.messageClass().name());
    insert.setString(3, m.topic());
    insert.setBytes(4, m.payload());
    insert.setInt(5, m.qos());
    insert.setInt(6, m.retain() ? 1 : 0);
    insert.setInt(7, m.size());
    insert.setLong(8, m.createdMillis());
    insert.executeUpdate();
  }

  /** Deletes acknowledged messages; returns those that were still there. */
  public List<StoredMessage> deleteAcked(Collection<StoredMessage> acked) throws SQLException {
    List<StoredMessage> gone = new ArrayList<>();
    if (acked.isEmpty()) {
      return gone;
    }
    for (StoredMessage m : acked) {
      delete.setLong(1, m.id());
      delete.addBatch();
    }
    int[] counts = delete.executeBatch();
    int i = 0;
    for (StoredMessage m : acked) {
      if (counts[i++] > 0) {
        gone.add(m);
      }
    }
    return gone;
  }

  /** Messages a budget removed: their ids in order and their bytes. */
  public record Removal(long[] ids, long bytes) {
    public int count() {
      return ids.length;
    }
  }

  /**
   * Drops the oldest messages of class {@code c} until at least {@code bytes} are freed (or none is
   * left).
   */
  public Removal dropOldest(MessageClass c, long bytes) throws SQLException {
    LongList ids = new LongList();
    long freed = 0;
    while (freed < bytes) {
      long through = -1;
      oldest.setString(1, c.name());
      try (ResultSet r = oldest.executeQuery()) {
        while (r.next() && freed < bytes) {
          through = r.getLong(1);
          freed += r.getLong(2);
          ids.add(through);
        }
      }
      if (through < 0) {
        break;
      }
      deleteThrough.setString(1, c.name());
      deleteThrough.setLong(2, through);
      deleteThrough.executeUpdate();
    }
    return new Removal(ids.toArray(), freed);
  }

  /** Drops the messages of class {@code c} created before {@code cutoffMillis}. */
  public Removal dropOlderThan(MessageClass c, long cutoffMillis) throws SQLException {
    LongList ids = new LongList();
    long bytes = 0;
    try (PreparedStatement q =
        db.prepareStatement("SELECT id, size FROM messages WHERE cls = ? AND created_ms < ?")) {
      q.setString(1, c.name());
      q.setLong(2, cutoffMillis);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          ids.add(r.getLong(1));
          bytes += r.getLong(2);
        }
      }
    }
    if (ids.size() > 0) {
      try (PreparedStatement d =
          db.prepareStatement("DELETE FROM messages WHERE cls = ? AND created_ms < ?")) {
        d.setString(1, c.name());
        d.setLong(2, cutoffMillis);
        d.executeUpdate();
      }
    }
    return new Removal(ids.toArray(), bytes);
  }

  /** A growable array of longs (drops can be hundreds of thousands of ids). */
  private static final class LongList {
    private long[] a = new long[64];
    private int n;

    void add(long v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int size() {
      return n;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }

  public void setCounter(String name, long value) throws SQLException {
    setCounter.setString(1, name);
    setCounter.setLong(2, value);
    setCounter.executeUpdate();
  }

  public void commit() throws SQLException {
    db.commit();
  }

  public void rollback() {
    try {
      db.rollback();
    } catch (SQLException e) {
      // the connection is unusable; the next operation reports it
    }
  }

  /**
   * Messages with {@code after < id <= upTo}, in id order, skipping {@code skip}; empty only when
   * no other message is in the range (a page of skipped ones does not end the range).
   */
  public List<StoredMessage> read(long after, long upTo, int limit, LongPredicate skip)
      throws SQLException {
    List<StoredMessage> out = new ArrayList<>();
    long from = after;
    while (out.isEmpty()) {
      int rows = 0;
      read.setLong(1, from);
      read.setLong(2, upTo);
      read.setInt(3, limit);
      try (ResultSet r = read.executeQuery()) {
        while (r.next()) {
          rows++;
          long id = r.getLong(1);
          from = id;
          if (skip.test(id)) {
            continue;
          }
          out.add(
              new StoredMessage(
                  id,
                  r.getString(3),
                  r.getBytes(4),
                  r.getInt(5),
                  r.getInt(6) != 0,
                  MessageClass.valueOf(r.getString(2)),
                  r.getInt(7),
                  r.getLong(8)));
        }
      }
      if (rows < limit) {
        break;
      }
    }
    reader.commit();
    return out;
  }

  /** For each topic with messages up to {@code upTo}: its last id. */
  public Map<String, Long> lastIdPerTopic(long upTo) throws SQLException {
    Map<String, Long> m = new HashMap<>();
    try (PreparedStatement q =
        reader.prepareStatement(
            "SELECT topic, max(id) FROM messages WHERE id <= ? GROUP BY topic")) {
      q.setLong(1, upTo);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          m.put(r.getString(1), r.getLong(2));
        }
      }
    }
    reader.commit();
    return m;
  }

  /** SQLite's own consistency check: "ok" or what is wrong. */
  public String quickCheck() throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("PRAGMA quick_check")) {
      r.next();
      String v = r.getString(1);
      db.commit();
      return v;
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      reader.close();
    } finally {
      db.close();
    }
  }
}
