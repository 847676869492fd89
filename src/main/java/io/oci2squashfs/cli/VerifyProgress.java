package io.oci2squashfs.cli;

import io.oci2squashfs.verify.VerifyListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * verify's progress on a terminal: one line per step (unpacking with umoci, mounting, reading a
 * tree), redrawn in place with the entries read, the bytes hashed and the time the step has taken,
 * and left standing when the next step begins. A step without counts of its own (umoci unpacking)
 * still shows its time, redrawn once a second.
 */
final class VerifyProgress implements VerifyListener, AutoCloseable {
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final int width;
  private final LongSupplier clock;
  private final ScheduledExecutorService ticker;
  private final boolean verbose;
  private String step;
  private long stepStarted;
  private long entries;
  private long bytes;
  private long lastDrawn;
  private boolean lineOpen;
  private boolean closed;

  /**
   * @param tick redraw once a second (the elapsed time of a step that reports no counts)
   * @param verbose also print the tool quirks corrected
   */
  VerifyProgress(PrintWriter err, int width, LongSupplier clock, boolean tick, boolean verbose) {
    this.err = err;
    this.verbose = verbose;
    this.width = width;
    this.clock = clock;
    if (tick) {
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "verify-progress");
                t.setDaemon(true);
                return t;
              });
      ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    } else {
      ticker = null;
    }
  }

  @Override
  public synchronized void step(String what) {
    if (closed) {
      return;
    }
    endStep();
    step = what;
    stepStarted = clock.getAsLong();
    entries = 0;
    bytes = 0;
    draw();
  }

  @Override
  public synchronized void progress(long entriesSoFar, long bytesSoFar) {
    entries = entriesSoFar;
    bytes = bytesSoFar;
    if (!closed && step != null && clock.getAsLong() - lastDrawn >= REDRAW_NANOS) {
      draw();
    }
  }

  @Override
  public synchronized void note(String message) {
    standing("note: " + message);
  }

  /** Prints a line that stays, over the progress line, which is then drawn again below it. */
  private void standing(String line) {
    if (lineOpen) {
      err.print("\r\033[K");
      lineOpen = false;
    }
    err.println(line);
    if (!closed && step != null) {
      draw();
    }
    err.flush();
  }

  /** Quirks corrected as a matter of course: in the report's notes, here only when verbose. */
  @Override
  public synchronized void detail(String message) {
    if (verbose) {
      standing(message);
    }
  }

  private synchronized void tick() {
    if (!closed && step != null) {
      draw();
    }
  }

  /** Leaves the finished step's line standing, with its final counts and time. */
  private void endStep() {
    if (step != null) {
      draw();
      err.println();
      lineOpen = false;
    }
  }

  private void draw() {
    String l = line(step, entries, bytes, clock.getAsLong() - stepStarted);
    err.print("\r" + ConsoleReporter.fit(l, width) + "\033[K");
    err.flush();
    lineOpen = true;
    lastDrawn = clock.getAsLong();
  }

  /** The line for a step: what it does, then what it has read (once it reads), then its time. */
  static String line(String step, long entries, long bytes, long elapsedNanos) {
    String counts =
        entries == 0
            ? ""
            : String.format(
                Locale.ROOT, ": %,d entries, %s hashed", entries, ConsoleReporter.bytes(bytes));
    return "verify: " + step + counts + ", " + ConvertProgress.clock(elapsedNanos);
  }

  /**
   * Stops redrawing and leaves the last step's line standing, so what is printed next starts below
   * it.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    if (ticker != null) {
      ticker.shutdownNow();
    }
    endStep();
    closed = true;
    err.flush();
  }
}
