package io.oci2squashfs.exec;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Child processes to stop when the JVM is stopped (Ctrl-C, SIGTERM) while they run, so that none
 * outlives the run. Only long-running readers register here; the short commands that shutdown
 * hooks themselves run (an unmount) must not, or this hook could stop them half done.
 */
public final class ChildProcesses {
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
  private static boolean hooked;

  private ChildProcesses() {}

  /** Stops {@code p} and its descendants if the JVM shuts down before {@link #finished} is called. */
  public static synchronized void stopOnExit(Process p) {
    if (!hooked) {
      try {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::stopAll, "stop-child-processes"));
        hooked = true;
      } catch (IllegalStateException e) {
        p.destroyForcibly(); // already shutting down: it should not run at all
        return;
      }
    }
    RUNNING.add(p);
  }

  /** {@code p} is done or handled; forget it. */
  public static void finished(Process p) {
    RUNNING.remove(p);
  }

  private static void stopAll() {
    for (Process p : RUNNING) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
