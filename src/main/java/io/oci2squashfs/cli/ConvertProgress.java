package io.oci2squashfs.cli;

import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.Layer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where a conversion is, as a person watching it wants to know, and the one-line text for each
 * phase: loading the image, reading its layers (n/N, bytes read and written, rate, ETA when every
 * layer's size is known), mksquashfs finishing. Pure: no output, and time is passed in (nanoseconds
 * from any fixed origin), so that tests can drive it.
 */
final class ConvertProgress {
  /** What the conversion is doing; each phase is one line on a terminal. */
  enum Phase {
    LOADING,
    READING,
    FINISHING,
    DONE
  }

  /** Rate and ETA are shown once a pass has run this long; earlier they jump about. */
  private static final long SETTLE_NANOS = 1_000_000_000L;

  private Phase phase = Phase.LOADING;
  private String imageName = "";
  private String finisher = "mksquashfs";
  private long loadingStarted;
  private int layerCount;
  private long[] sizes = new long[0];
  private long totalBytes = -1;
  private int pass;
  private int layersStarted;
  private long passStarted;
  private long finishedBytes;
  private int currentLayer = -1;
  private long currentRead;
  private long finishingStarted;
  private long finishingEnded = -1;
  private LongSupplier written = () -> -1;
  private final Map<String, long[]> downloads = new HashMap<>(); // digest -> {bytes, size}

  Phase phase() {
    return phase;
  }

  int pass() {
    return pass;
  }

  /**
   * @param what what completes the output, as the last phase names it: {@code mksquashfs}, {@code
   *     tar}
   */
  void loading(String image, String what, long now) {
    finisher = what;
    imageName = image;
    loadingStarted = now;
    phase = Phase.LOADING;
  }

  /** The image is known: from now on the line is about its layers (the first is a moment away). */
  void imageLoaded(Image image) {
    phase = Phase.READING;
    layerCount = image.layers().size();
    sizes = new long[layerCount];
    long total = 0;
    for (Layer l : image.layers()) {
      sizes[l.index()] = l.size();
      total = total < 0 || l.size() < 0 ? -1 : total + l.size();
    }
    totalBytes = total;
  }

  /** The sum of the layers' blob sizes, or -1 when some layer's size is not known. */
  long totalBytes() {
    return totalBytes;
  }

  void streamStarted(LongSupplier tarBytesWritten) {
    written = tarBytesWritten;
  }

  /**
   * A layer starts to be read.
   *
   * @return true when this begins a new pass over the image (the merge reads newest first, so a
   *     pass begins at the newest layer)
   */
  boolean layerStarted(int layer, int count, long now) {
    boolean newPass = pass == 0 || layer == count - 1 && layersStarted > 0;
    if (newPass) {
      pass++;
      layersStarted = 0;
      finishedBytes = 0;
      passStarted = now;
    }
    phase = Phase.READING;
    layerCount = count;
    layersStarted++;
    currentLayer = layer;
    currentRead = 0;
    return newPass;
  }

  /**
   * Compressed bytes of {@code layer} read so far; reports about other layers (re-reads, probes)
   * are ignored.
   */
  void layerProgress(int layer, long bytesRead) {
    if (layer == currentLayer && phase == Phase.READING) {
      currentRead = Math.max(currentRead, bytesRead);
    }
  }

  void layerFinished(int layer) {
    if (layer != currentLayer) {
      return;
    }
    long size = layer < sizes.length ? sizes[layer] : -1;
    finishedBytes += size >= 0 ? Math.max(size, currentRead) : currentRead;
    currentLayer = -1;
    currentRead = 0;
  }

  void finishing(long now) {
    phase = Phase.FINISHING;
    finishingStarted = now;
  }

  void done(long now) {
    if (phase == Phase.FINISHING) {
      finishingEnded = now;
    }
    phase = Phase.DONE;
  }

  /** Compressed bytes read in this pass. */
  long bytesRead() {
    return finishedBytes + currentRead;
  }

  /** {@code bytes} of a blob of {@code size} are downloaded. */
  void downloaded(String digest, long bytes, long size) {
    downloads.put(digest, new long[] {bytes, size});
  }

  /** Bytes downloaded so far, and the total of the blobs being downloaded (-1 when unknown). */
  long[] downloadTotals() {
    long got = 0;
    long total = 0;
    for (long[] d : downloads.values()) {
      got += d[0];
      total = total < 0 || d[1] < 0 ? -1 : total + d[1];
    }
    return new long[] {got, total};
  }

  /** The line for the phase now under way, to be redrawn in place. */
  String line(long now) {
    switch (phase) {
      case LOADING:
        long[] pulled = downloadTotals();
        return "loading image "
            + imageName
            + " "
            + clock(now - loadingStarted)
            + (downloads.isEmpty() ? "" : ", " + ConsoleReporter.bytes(pulled[0]) + " downloaded");
      case READING:
        return readingLine(now);
      case FINISHING:
        return finisher + " finishing " + clock(now - finishingStarted);
      default:
        return "";
    }
  }

  private String readingLine(long now) {
    StringBuilder b = new StringBuilder(passPrefix());
    b.append(String.format(Locale.ROOT, "layers %d/%d  ", layersStarted, layerCount));
    long read = bytesRead();
    b.append(ConsoleReporter.bytes(read));
    if (totalBytes > 0) {
      b.append(" of ")
          .append(ConsoleReporter.bytes(totalBytes))
          .append(String.format(Locale.ROOT, " (%d%%)", Math.min(100, read * 100 / totalBytes)));
    }
    b.append(" read");
    long w = written.getAsLong();
    if (w >= 0) {
      b.append(", ").append(ConsoleReporter.bytes(w)).append(" written");
    }
    long[] pulled = downloadTotals();
    if (!downloads.isEmpty() && (pulled[1] < 0 || pulled[0] < pulled[1])) {
      b.append(", ").append(ConsoleReporter.bytes(pulled[0]));
      if (pulled[1] > 0) {
        b.append(" of ").append(ConsoleReporter.bytes(pulled[1]));
      }
      b.append(" downloaded");
    }
    long elapsed = now - passStarted;
    if (elapsed >= SETTLE_NANOS && read > 0) {
      double perSecond = read * 1e9 / elapsed;
      b.append(", ").append(ConsoleReporter.bytes((long) perSecond)).append("/s");
      if (totalBytes > 0 && read < totalBytes) {
        b.append(", ETA ").append(clock((long) ((totalBytes - read) / perSecond * 1e9)));
      }
    }
    return b.toString();
  }

  /** The line that stays once every layer of the pass is read. */
  String readingDoneLine(long now) {
    long elapsed = Math.max(1, (finishingStarted > 0 ? finishingStarted : now) - passStarted);
    long read = bytesRead();
    long w = written.getAsLong();
    return passPrefix()
        + String.format(
            Locale.ROOT,
            "layers %d/%d  %s read%s in %s (%s/s)",
            layersStarted,
            layerCount,
            ConsoleReporter.bytes(read),
            w >= 0 ? ", " + ConsoleReporter.bytes(w) + " written" : "",
            seconds(elapsed),
            ConsoleReporter.bytes((long) (read * 1e9 / elapsed)));
  }

  /** The line that stays once mksquashfs is done. */
  String finishedLine() {
    return finisher + " finished in " + seconds(Math.max(0, finishingEnded - finishingStarted));
  }

  private String passPrefix() {
    return pass > 1 ? "pass " + pass + ": " : "";
  }

  /** A duration as m:ss, or h:mm:ss from an hour on. */
  static String clock(long nanos) {
    long s = Math.max(0, nanos) / 1_000_000_000L;
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
