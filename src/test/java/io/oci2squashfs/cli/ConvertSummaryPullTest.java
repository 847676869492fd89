package io.oci2squashfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.image.Digest;
import io.oci2squashfs.registry.PullStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the summary and --json say of a pull: per blob, in total, the rate and the cache. */
class ConvertSummaryPullTest {
  private static final Digest A = Digest.parse("sha256:" + "a".repeat(64));
  private static final Digest B = Digest.parse("sha256:" + "b".repeat(64));

  private final PullStats stats =
      new PullStats(
          "docker://r/x:1",
          List.of(
              new PullStats.Blob(A, 4L << 20, false, 4L << 20),
              new PullStats.Blob(B, 1L << 20, true, 0)),
          Duration.ofSeconds(2),
          "/c");

  @Test
  void theLineSaysWhatWasDownloadedAtWhatRateAndWhatTheCacheHad() {
    assertEquals(
        "  pulled:  1 blob downloaded (4.0 MiB at 2.0 MiB/s), 1 from the cache (1.0 MiB)",
        ConvertSummary.pullLine(stats));
  }

  @Test
  void theDocumentListsEveryBlob() {
    Map<String, Object> d = ConvertSummary.pullDocument(stats);
    assertEquals(1, d.get("blobsDownloaded"));
    assertEquals(4L << 20, d.get("bytesDownloaded"));
    assertEquals(1, d.get("blobsFromCache"));
    assertEquals(1L << 20, d.get("bytesFromCache"));
    assertEquals(2L << 20, d.get("bytesPerSecond"));
    assertEquals("/c", d.get("cache"));
    List<?> blobs = (List<?>) d.get("blobs");
    assertEquals(2, blobs.size());
    assertTrue(blobs.get(0).toString().contains("fromCache=false"), blobs.toString());
  }
}
