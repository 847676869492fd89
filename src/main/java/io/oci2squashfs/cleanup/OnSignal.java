package io.oci2squashfs.cleanup;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one JVM shutdown hook: when the JVM is stopped before a run is done (SIGINT, SIGTERM, or
 * {@code System.exit} from elsewhere), it stops the run's child processes, discards its partial
 * outputs, unmounts its mounts and deletes its temporary files, in that order: a process must be
 * gone before the file it writes is deleted, and a mount before its directory. Actions are
 * registered while a resource lives and forgotten (closed) when it is dealt with the normal way.
 *
 * <p>The JVM runs shutdown hooks while the run's own threads go on, so {@link #stopping()} tells
 * them not to commit anything, and a process started once stopping has begun is killed at once
 * (unless the hook itself starts it: an unmount).
 */
public final class OnSignal {
  /** What an action undoes; the hook runs them in this order. */
  public enum Stage {
    STOP_PROCESSES,
    DISCARD_OUTPUTS,
    UNMOUNT,
    DELETE_TEMPORARY
  }

  /** How long the hook waits for a killed process to be gone. */
  private static final long PROCESS_EXIT_MILLIS = 1000;

  private static final Map<Stage, Map<Registration, Runnable>> ACTIONS = new EnumMap<>(Stage.class);
  private static final Thread HOOK = new Thread(OnSignal::runAll, "oci2squashfs-on-signal");
  private static volatile boolean stopping;

  static {
    for (Stage s : Stage.values()) {
      ACTIONS.put(s, new LinkedHashMap<>());
    }
    Runtime.getRuntime().addShutdownHook(HOOK);
  }

  private OnSignal() {}

  /** A registered action; {@link #close()} forgets it (the resource was dealt with). */
  public static final class Registration implements AutoCloseable {
    private final Stage stage;

    private Registration(Stage stage) {
      this.stage = stage;
    }

    /**
     * Forgets the action; not once the JVM is stopping, since the thread that closes it may be
     * halted half way through its own clean-up: the hook then does it too.
     */
    @Override
    public void close() {
      synchronized (OnSignal.class) {
        if (!stopping) {
          ACTIONS.get(stage).remove(this);
        }
      }
    }
  }

  /**
   * Runs {@code action} in {@code stage} if the JVM is stopped before the registration is closed.
   */
  public static Registration register(Stage stage, Runnable action) {
    Registration r = new Registration(stage);
    boolean now;
    synchronized (OnSignal.class) {
      now = stopping && !inHook();
      if (!now) {
        ACTIONS.get(stage).put(r, action);
      }
    }
    if (now) {
      action.run(); // too late to wait for the hook: it may have passed this stage
    }
    return r;
  }

  /**
   * Kills {@code process} and its descendants if the JVM is stopped before the registration is
   * closed; at once when it is already stopping (a process started then must not outlive it).
   */
  public static Registration stopOnSignal(Process process) {
    return register(Stage.STOP_PROCESSES, () -> kill(process.toHandle()));
  }

  /** Whether the JVM is shutting down: nothing may be committed any more. */
  public static boolean stopping() {
    return stopping;
  }

  /** Whether the current thread is the hook's: what it starts is part of the clean-up. */
  public static boolean inHook() {
    return Thread.currentThread() == HOOK;
  }

  /**
   * Kills {@code process} and all its descendants at once (a wrapper script's children would
   * otherwise live on) and waits up to a second until none of them runs any more: a process killed
   * in the middle of creating a file still creates it, so the caller may delete it only then. A
   * zombie (dead, not yet reaped by a parent that may itself be gone) counts as gone.
   */
  public static void kill(ProcessHandle process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process);
    tree.forEach(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROCESS_EXIT_MILLIS);
    for (ProcessHandle p : tree) {
      while (running(p) && System.nanoTime() < deadline) {
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Whether {@code p} still runs: alive and not a zombie ({@code /proc/PID/stat} says Z or X). */
  private static boolean running(ProcessHandle p) {
    if (!p.isAlive()) {
      return false;
    }
    try {
      String stat =
          java.nio.file.Files.readString(
              java.nio.file.Path.of("/proc", Long.toString(p.pid()), "stat"));
      int close = stat.lastIndexOf(')'); // the command name, in parentheses, may hold anything
      char state = close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
      return state != 'Z' && state != 'X';
    } catch (java.io.IOException | RuntimeException e) {
      return false; // gone meanwhile
    }
  }

  private static void runAll() {
    synchronized (OnSignal.class) {
      stopping = true;
    }
    for (Stage s : Stage.values()) {
      List<Runnable> actions;
      synchronized (OnSignal.class) {
        actions = new ArrayList<>(ACTIONS.get(s).values());
        ACTIONS.get(s).clear();
      }
      for (Runnable a : actions) {
        try {
          a.run();
        } catch (RuntimeException e) {
          System.err.println("oci2squashfs: while cleaning up: " + e);
        }
      }
    }
  }
}
