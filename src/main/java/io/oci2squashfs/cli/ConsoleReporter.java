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

  private final PrintWriter err;
  private final boolean quiet;
  private final boolean verbose;
  private int warnings;

  ConsoleReporter(PrintWriter err, boolean quiet, boolean verbose) {
    this.err = err;
    this.quiet = quiet;
    this.verbose = verbose && !quiet;
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
    say(String.format(Locale.ROOT, "merging layer %d/%d %s%s", layer, layerCount, shortDigest(digest),
        size >= 0 ? " (" + bytes(size) + ")" : ""));
  }

  @Override
  public synchronized void warning(String message) {
    warnings++;
    if (quiet) {
      return;
    }
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
