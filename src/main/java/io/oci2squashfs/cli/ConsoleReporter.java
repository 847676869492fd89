package io.oci2squashfs.cli;

import io.oci2squashfs.convert.ConvertListener;
import io.oci2squashfs.convert.ConvertResult;
import io.oci2squashfs.image.Image;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Tells a person at a terminal what a conversion is doing: a line per layer, warnings, a summary. */
final class ConsoleReporter implements ConvertListener {
  private static final int WARNINGS_SHOWN = 20;
  /** Layers smaller than this go by too fast for progress to help. */
  private static final long PROGRESS_MIN_SIZE = 16L << 20;

  private final PrintWriter err;
  private final boolean quiet;
  private final boolean verbose;
  private final boolean terminal;
  private int warnings;
  private long layerSize = -1;
  private String layerLine = "";
  private int lastStep = -1;
  private boolean lineOpen;

  /**
   * @param terminal whether {@code err} is a terminal: progress is then redrawn in place; otherwise
   *     a line is printed at every quarter of a large layer
   */
  ConsoleReporter(PrintWriter err, boolean quiet, boolean verbose, boolean terminal) {
    this.err = err;
    this.quiet = quiet;
    this.verbose = verbose && !quiet;
    this.terminal = terminal;
  }

  @Override
  public void imageLoaded(Image image) {
    say("image: " + image.source() + ", " + image.platform() + ", " + image.layers().size() + " layers");
  }

  @Override
  public void mksquashfsStarted(List<String> command) {
    if (verbose) {
      say("running: " + String.join(" ", command));
    }
  }

  @Override
  public void layerStarted(int layer, int layerCount, String digest, long size) {
    layerSize = size;
    lastStep = -1;
    layerLine = String.format(Locale.ROOT, "merging layer %d/%d %s%s", layer, layerCount,
        shortDigest(digest), size >= 0 ? " (" + bytes(size) + ")" : "");
    if (terminal && !quiet) {
      endLine();
      err.print(layerLine); // redrawn with a percentage as the layer is read
      err.flush();
      lineOpen = true;
    } else {
      say(layerLine);
    }
  }

  @Override
  public synchronized void layerProgress(int layer, long bytesRead) {
    if (quiet || layerSize < PROGRESS_MIN_SIZE) {
      return;
    }
    int percent = (int) Math.min(100, bytesRead * 100 / layerSize);
    if (terminal) {
      if (percent != lastStep) {
        err.print("\r" + layerLine + " " + percent + "%");
        err.flush();
        lineOpen = true;
        lastStep = percent;
      }
    } else if (percent / 25 > Math.max(0, lastStep) && percent < 100) {
      lastStep = percent / 25;
      say("  " + percent + "% of layer " + layer + " read");
    }
  }

  @Override
  public void layerFinished(int layer, int layerCount) {
    endLine();
  }

  private void endLine() {
    if (lineOpen) {
      err.println();
      lineOpen = false;
    }
  }

  @Override
  public synchronized void warning(String message) {
    warnings++;
    if (quiet) {
      return;
    }
    endLine();
    if (warnings <= WARNINGS_SHOWN || verbose) {
      err.println("warning: " + message);
    } else if (warnings == WARNINGS_SHOWN + 1) {
      err.println("warning: more warnings follow; --verbose shows them all");
    }
    err.flush();
  }

  void finished(ConvertResult r) {
    if (verbose && r.mksquashfsSummary() != null && !r.mksquashfsSummary().isEmpty()) {
      say(r.mksquashfsSummary());
    }
    if (warnings > WARNINGS_SHOWN && !verbose) {
      say(warnings + " warnings in all");
    }
    say(String.format(Locale.ROOT,
        "wrote %s (%s) from %d layers: %d entries, %d whiteouts applied, %d hard links copied, in %.1f s",
        r.output(), bytes(r.outputBytes()), r.layers(), r.merge().entriesWritten(),
        r.merge().whiteoutsApplied(), r.merge().hardLinksPromoted(), r.elapsed().toMillis() / 1000.0));
  }

  private void say(String line) {
    if (!quiet) {
      endLine();
      err.println(line);
      err.flush();
    }
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
