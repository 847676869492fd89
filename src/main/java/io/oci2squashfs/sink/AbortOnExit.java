package io.oci2squashfs.sink;

import java.io.Closeable;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * A shutdown hook that closes (aborts) an unfinished output when the JVM is stopped (Ctrl-C,
 * SIGTERM), so that no partial output is left behind; forgotten once the output is committed or
 * closed the normal way.
 */
public final class AbortOnExit {
  private final Thread hook;

  /**
   * Registers the hook.
   *
   * @param output closed by the hook; its close must abort what is unfinished
   * @param name the hook thread's name
   * @param failure told when closing from the hook fails (nothing else can be done by then)
   */
  public AbortOnExit(Closeable output, String name, Consumer<IOException> failure) {
    hook = new Thread(() -> {
      try {
        output.close();
      } catch (IOException e) {
        failure.accept(e);
      }
    }, name);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** True in the hook's own thread: the JVM is shutting down and the hook is aborting. */
  public boolean isAborting() {
    return Thread.currentThread() == hook;
  }

  /** Removes the hook, unless the JVM is already shutting down (then it is running or has run). */
  public void forget() {
    if (isAborting()) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down: the hook is running or has run
    }
  }
}
