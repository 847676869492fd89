package io.oci2squashfs.convert;

import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Platform;
import io.oci2squashfs.overlay.MergeResult;
import io.oci2squashfs.registry.PullStats;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a conversion produced.
 *
 * @param output the squashfs or tar file or the directory written (absolute), or {@code -} for
 *     standard output
 * @param source how the image was found (layout kind, manifest)
 * @param layers number of layers merged
 * @param merge the merge's counts: entries written, whiteouts applied, hard links promoted,
 *     warnings
 * @param tarBytes bytes of merged tar streamed to mksquashfs or written (in the last pass); for a
 *     directory, bytes of file content
 * @param outputBytes size of the squashfs or tar file; for a directory, bytes of file content
 * @param elapsed wall time
 * @param mksquashfsSummary what mksquashfs printed when done; empty for other formats
 * @param format what was written
 * @param platform the platform of the image converted, or null when the image does not say
 * @param manifestDigest the digest of the image's manifest, or null for a docker save that has none
 * @param compressedBytes the layers' blobs as stored: the sum of their sizes, or -1 when unknown
 * @param uncompressedBytes the layers' tars, decompressed: the sum of their sizes, or -1 when
 *     unknown
 * @param pull what was downloaded, for an image pulled from a registry; else null
 * @param verity the dm-verity tree written, or null
 */
public record ConvertResult(
    Path output,
    String source,
    int layers,
    MergeResult merge,
    long tarBytes,
    long outputBytes,
    Duration elapsed,
    String mksquashfsSummary,
    OutputFormat format,
    Platform platform,
    Digest manifestDigest,
    long compressedBytes,
    long uncompressedBytes,
    PullStats pull,
    VerityOutcome verity) {

  /** A result of an image read from disk: nothing was pulled. */
  public ConvertResult(
      Path output,
      String source,
      int layers,
      MergeResult merge,
      long tarBytes,
      long outputBytes,
      Duration elapsed,
      String mksquashfsSummary,
      OutputFormat format,
      Platform platform,
      Digest manifestDigest,
      long compressedBytes,
      long uncompressedBytes) {
    this(
        output,
        source,
        layers,
        merge,
        tarBytes,
        outputBytes,
        elapsed,
        mksquashfsSummary,
        format,
        platform,
        manifestDigest,
        compressedBytes,
        uncompressedBytes,
        null,
        null);
  }

  /**
   * A result that does not know the platform, manifest or input sizes (-1).
   *
   * @param output the output written
   * @param source how the image was found
   * @param layers number of layers merged
   * @param merge the merge's counts
   * @param tarBytes bytes of merged tar written
   * @param outputBytes size of the output
   * @param elapsed wall time
   * @param mksquashfsSummary what mksquashfs printed when done
   * @param format what was written
   */
  public ConvertResult(
      Path output,
      String source,
      int layers,
      MergeResult merge,
      long tarBytes,
      long outputBytes,
      Duration elapsed,
      String mksquashfsSummary,
      OutputFormat format) {
    this(
        output,
        source,
        layers,
        merge,
        tarBytes,
        outputBytes,
        elapsed,
        mksquashfsSummary,
        format,
        null,
        null,
        -1,
        -1);
  }

  /** This result with what was pulled. */
  public ConvertResult withPull(PullStats p) {
    return new ConvertResult(
        output,
        source,
        layers,
        merge,
        tarBytes,
        outputBytes,
        elapsed,
        mksquashfsSummary,
        format,
        platform,
        manifestDigest,
        compressedBytes,
        uncompressedBytes,
        p,
        verity);
  }

  /** This result with the verity tree written. */
  public ConvertResult withVerity(VerityOutcome v) {
    return new ConvertResult(
        output,
        source,
        layers,
        merge,
        tarBytes,
        outputBytes,
        elapsed,
        mksquashfsSummary,
        format,
        platform,
        manifestDigest,
        compressedBytes,
        uncompressedBytes,
        pull,
        v);
  }

  /**
   * The output's size as a fraction of the layers' uncompressed size (0.4: the squashfs is 40% of
   * what its layers hold), or NaN when that is unknown or zero.
   *
   * @return {@code outputBytes / uncompressedBytes}
   */
  public double ratio() {
    return uncompressedBytes > 0 ? (double) outputBytes / uncompressedBytes : Double.NaN;
  }
}
