package io.oci2squashfs.cli;

import io.oci2squashfs.convert.ConvertListener;
import io.oci2squashfs.convert.ConvertResult;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Image;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Tells a person what a conversion is doing, on standard error. On a terminal each phase (loading,
 * reading layers, mksquashfs finishing) is one line redrawn in place a few times a second, and
 * stays when the phase ends; elsewhere (a pipe, a file, a CI log) it prints plain lines only: one
 * per phase, and a status line at most every {@link #PLAIN_STATUS_NANOS}. Quiet prints nothing.
 * Warnings are shown, the first {@link #WARNINGS_SHOWN} unless verbose, and all of them are kept
 * for the summary.
 */
final class ConsoleReporter implements ConvertListener, AutoCloseable {
  /** How progress is shown. */
  enum Mode {
    /** Lines redrawn in place: standard error is a terminal. */
    TERMINAL,
    /** Plain lines, never redrawn. */
    PLAIN,
    /** Nothing but errors. */
    QUIET
  }

  static final int WARNINGS_SHOWN = 20;

  /** Warnings kept for the JSON summary; a pathological image can have millions. */
  static final int WARNINGS_KEPT = 1000;

  private static final long REDRAW_MILLIS = 250;
  private static final long PLAIN_STATUS_NANOS = 30_000_000_000L;

  private final PrintWriter err;
  private final Mode mode;
  private final boolean verbose;
  private final LongSupplier clock;
  private final int width;
  private final ConvertProgress progress = new ConvertProgress();
  private final List<String> warnings = new ArrayList<>();
  private long warningCount;
  private boolean lineOpen;
  private long lastPlainStatus;
  private long layerStarted;
  private String layerLabel = "";
  private ScheduledExecutorService ticker;
  private boolean closed;

  /**
   * @param clock nanoseconds from any fixed origin ({@code System::nanoTime})
   * @param width the terminal's width: a redrawn line longer than that would wrap and could not be
   *     redrawn
   */
  ConsoleReporter(PrintWriter err, Mode mode, boolean verbose, LongSupplier clock, int width) {
    this.err = err;
    this.mode = mode;
    this.verbose = verbose && mode != Mode.QUIET;
    this.clock = clock;
    this.width = Math.max(20, width);
  }

  /** A reporter for this process's standard error: redrawn lines when it is a terminal. */
  static ConsoleReporter forStderr(PrintWriter err, Mode mode, boolean verbose) {
    return new ConsoleReporter(
        err, mode, verbose, System::nanoTime, mode == Mode.TERMINAL ? Terminal.width() : 80);
  }

  /**
   * Starts the loading phase and, on a terminal, the redrawing.
   *
   * @param finisher what completes the output, as the last phase names it: {@code mksquashfs},
   *     {@code tar}
   */
  synchronized void loading(String image, String finisher) {
    progress.loading(image, finisher, clock.getAsLong());
    if (mode == Mode.TERMINAL) {
      redraw();
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "progress");
                t.setDaemon(true);
                return t;
              });
      ticker.scheduleAtFixedRate(this::tick, REDRAW_MILLIS, REDRAW_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Redraws the current phase's line; the ticker calls it, tests may too. */
  synchronized void tick() {
    if (mode == Mode.TERMINAL && !closed && progress.phase() != ConvertProgress.Phase.DONE) {
      redraw();
    }
  }

  @Override
  public synchronized void imageLoaded(Image image) {
    progress.imageLoaded(image);
    long total = progress.totalBytes();
    permanent(
        "image: "
            + shortSource(image.source(), image.manifestDigest())
            + ", "
            + image.platform()
            + ", "
            + image.layers().size()
            + (image.layers().size() == 1 ? " layer" : " layers")
            + (total >= 0 ? " (" + bytes(total) + ")" : ""));
  }

  @Override
  public synchronized void progress(Digest digest, long bytes, long size) {
    progress.downloaded(digest.toString(), bytes, size);
  }

  @Override
  public synchronized void resuming(Digest digest, long bytes, String why) {
    permanent(
        "blob "
            + digest.shortForm()
            + ": the connection was lost after "
            + bytes(bytes)
            + " ("
            + why
            + "); resuming from there");
  }

  @Override
  public synchronized void builderStarted(List<String> command) {
    if (verbose) {
      permanent("running: " + String.join(" ", command));
    }
  }

  @Override
  public synchronized void streamStarted(LongSupplier tarBytesWritten) {
    progress.streamStarted(tarBytesWritten);
  }

  @Override
  public synchronized void layerStarted(int layer, int layerCount, String digest, long size) {
    long now = clock.getAsLong();
    boolean newPass = progress.layerStarted(layer, layerCount, now);
    if (newPass && progress.pass() > 1 && mode == Mode.PLAIN) {
      permanent("pass " + progress.pass() + ": reading the " + layerCount + " layers again");
    }
    layerStarted = now;
    layerLabel =
        String.format(
            Locale.ROOT,
            "layer %d/%d %s%s",
            layer,
            layerCount,
            shortDigest(digest),
            size >= 0 ? " (" + bytes(size) + ")" : "");
    if (newPass) {
      lastPlainStatus = now;
    }
    tick();
  }

  @Override
  public synchronized void layerProgress(int layer, long bytesRead) {
    progress.layerProgress(layer, bytesRead);
    long now = clock.getAsLong();
    if (mode == Mode.PLAIN
        && progress.phase() == ConvertProgress.Phase.READING
        && now - lastPlainStatus >= PLAIN_STATUS_NANOS) {
      lastPlainStatus = now;
      permanent(progress.line(now));
    }
  }

  @Override
  public synchronized void layerFinished(int layer, int layerCount) {
    progress.layerFinished(layer);
    if (verbose) {
      permanent(
          layerLabel + " read in " + ConvertProgress.seconds(clock.getAsLong() - layerStarted));
    }
  }

  @Override
  public synchronized void finishing() {
    long now = clock.getAsLong();
    progress.finishing(now);
    permanent(progress.readingDoneLine(now));
    tick();
  }

  @Override
  public synchronized void warning(String message) {
    warningCount++;
    if (warnings.size() < WARNINGS_KEPT) {
      warnings.add(message);
    }
    if (warningCount <= WARNINGS_SHOWN || verbose) {
      permanent("warning: " + message);
    } else if (warningCount == WARNINGS_SHOWN + 1) {
      permanent("warning: more warnings follow; --verbose shows them all");
    }
  }

  /** Every warning the conversion gave. */
  synchronized long warningCount() {
    return warningCount;
  }

  /** The first {@link #WARNINGS_KEPT} warnings. */
  synchronized List<String> warnings() {
    return Collections.unmodifiableList(new ArrayList<>(warnings));
  }

  /**
   * The conversion succeeded: ends the last phase and, unless {@code summary} is false, prints the
   * summary.
   */
  synchronized void finished(ConvertResult r, boolean summary) {
    boolean wasFinishing = progress.phase() == ConvertProgress.Phase.FINISHING;
    progress.done(clock.getAsLong());
    stopTicker();
    if (wasFinishing) {
      permanent(progress.finishedLine());
    }
    if (verbose && r.mksquashfsSummary() != null && !r.mksquashfsSummary().isEmpty()) {
      permanent(r.mksquashfsSummary());
    }
    if (warningCount > WARNINGS_SHOWN && !verbose) {
      permanent(warningCount + " warnings in all");
    }
    if (summary) {
      ConvertSummary.text(r, warningCount).lines().forEach(this::permanent);
    }
  }

  /**
   * Stops redrawing and ends an open line, so that whatever is printed next (an error) starts on
   * its own.
   */
  @Override
  public synchronized void close() {
    closed = true; // a tick already waiting for the lock must not draw again
    stopTicker();
    if (lineOpen) {
      err.print("\r\033[K");
      err.flush();
      lineOpen = false;
    }
  }

  private void stopTicker() {
    if (ticker != null) {
      ticker.shutdownNow();
      ticker = null;
    }
  }

  /** Draws the current phase's line over the last one. */
  private void redraw() {
    String line = progress.line(clock.getAsLong());
    err.print("\r" + fit(line) + "\033[K");
    err.flush();
    lineOpen = true;
  }

  /**
   * Prints a line that stays: over the redrawn line on a terminal, which is then drawn again below
   * it.
   */
  private void permanent(String line) {
    if (mode == Mode.QUIET) {
      return;
    }
    if (lineOpen) {
      err.print("\r\033[K");
      lineOpen = false;
    }
    err.println(line);
    err.flush();
    if (mode == Mode.TERMINAL && ticker != null && progress.phase() != ConvertProgress.Phase.DONE) {
      redraw();
    }
  }

  /**
   * Cuts a line to the terminal's width, less one column: a full line would wrap on some terminals.
   */
  private String fit(String line) {
    return fit(line, width);
  }

  /** {@code line} cut to fit a terminal {@code width} columns wide, with "..." where it was cut. */
  static String fit(String line, int width) {
    return line.length() < width ? line : line.substring(0, Math.max(0, width - 4)) + "...";
  }

  /**
   * How the image was found, with its manifest's digest cut short: the line is for reading, --json
   * has it whole.
   */
  static String shortSource(String source, Object manifestDigest) {
    return manifestDigest == null
        ? source
        : source.replace(manifestDigest.toString(), shortDigest(manifestDigest.toString()));
  }

  static String shortDigest(String digest) {
    int colon = digest.indexOf(':');
    return colon >= 0 && digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
