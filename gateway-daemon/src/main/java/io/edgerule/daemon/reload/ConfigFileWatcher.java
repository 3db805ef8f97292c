package io.edgerule.daemon.reload;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads when the config file changes. It watches the file's folder, not the file: editors and
 * deployment tools that save by writing a new file and renaming it over the old one (vim, Ansible,
 * {@code sed -i}) replace the file, and a watch on the old file would see nothing. Events come in
 * bursts (truncate, several writes, a rename), so it waits until the folder has been quiet for
 * {@link #SETTLE_MILLIS} before it reloads once; a file missing then (deleted, or between a delete
 * and a create) is not reloaded.
 */
public final class ConfigFileWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigFileWatcher.class);

  /** Quiet time after the last event before the reload. */
  public static final long SETTLE_MILLIS = 300;

  private final Path file;
  private final Runnable onChange;
  private final WatchService watch;
  private final Thread thread;
  private volatile boolean closed;

  private ConfigFileWatcher(Path file, Runnable onChange, WatchService watch, ThreadFactory t) {
    this.file = file;
    this.onChange = onChange;
    this.watch = watch;
    this.thread = t.newThread(this::run);
  }

  /**
   * Watches {@code file} and calls {@code onChange} (on the watcher's thread) after it changed.
   *
   * @throws IOException when its folder cannot be watched
   */
  public static ConfigFileWatcher start(Path file, Runnable onChange, ThreadFactory threads)
      throws IOException {
    Path absolute = file.toAbsolutePath().normalize();
    WatchService watch = FileSystems.getDefault().newWatchService();
    try {
      absolute
          .getParent()
          .register(
              watch,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException | RuntimeException e) {
      watch.close();
      throw e;
    }
    ConfigFileWatcher w = new ConfigFileWatcher(absolute, onChange, watch, threads);
    w.thread.start();
    log.info("watching {} for changes", absolute);
    return w;
  }

  private void run() {
    try {
      while (!closed) {
        WatchKey key = watch.take();
        boolean ours = concernsFile(key);
        if (!ours) {
          continue;
        }
        // Let the burst end: every further event restarts the quiet time.
        while ((key = watch.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
          concernsFile(key);
        }
        if (closed) {
          return;
        }
        if (!Files.exists(file)) {
          log.warn("{} is gone; the running config stays until it is back", file);
          continue;
        }
        try {
          onChange.run();
        } catch (RuntimeException e) {
          log.error("config reload after a change of {} failed: {}", file, e.toString());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ClosedWatchServiceException e) {
      // closed: stop
    }
  }

  /** Takes the key's events; true if one is about the config file (or events were lost). */
  private boolean concernsFile(WatchKey key) {
    boolean ours = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW
          || file.getFileName().equals(event.context())) {
        ours = true;
      }
    }
    key.reset();
    return ours;
  }

  @Override
  public void close() {
    closed = true;
    try {
      watch.close();
    } catch (IOException e) {
      log.debug("closing the config watch: {}", e.toString());
    }
    thread.interrupt();
  }
}
