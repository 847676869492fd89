package io.oci2squashfs.registry;

import io.oci2squashfs.image.Digest;
import java.time.Duration;
import java.util.List;

/**
 * What a pull fetched: for the summary and {@code --json}.
 *
 * @param reference the image as named, {@code docker://...}
 * @param blobs each layer blob, newest first, once
 * @param downloading from the first download's start to the last one's end (zero when nothing was
 *     downloaded)
 * @param cache the cache directory, or null when the run kept none
 */
public record PullStats(String reference, List<Blob> blobs, Duration downloading, String cache) {
  /**
   * One layer blob.
   *
   * @param fromCache true when the cache had it whole
   * @param downloaded bytes downloaded in this run
   */
  public record Blob(Digest digest, long size, boolean fromCache, long downloaded) {}

  public PullStats {
    blobs = List.copyOf(blobs);
  }

  public long bytesDownloaded() {
    return blobs.stream().mapToLong(Blob::downloaded).sum();
  }

  public int blobsDownloaded() {
    return (int) blobs.stream().filter(b -> !b.fromCache()).count();
  }

  public long bytesFromCache() {
    return blobs.stream().filter(Blob::fromCache).mapToLong(Blob::size).sum();
  }

  public int blobsFromCache() {
    return (int) blobs.stream().filter(Blob::fromCache).count();
  }

  /** Bytes downloaded per second, or 0 when nothing was. */
  public double rate() {
    long nanos = downloading.toNanos();
    return nanos > 0 ? bytesDownloaded() * 1e9 / nanos : 0;
  }
}
