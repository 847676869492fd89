package io.oci2squashfs.convert;

import io.oci2squashfs.overlay.MergeResult;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a conversion produced.
 *
 * @param output the squashfs or tar file or the directory written, or {@code -} for standard output
 * @param source how the image was found (layout kind, manifest)
 * @param layers number of layers merged
 * @param merge the merge's counts
 * @param tarBytes bytes of merged tar streamed to mksquashfs or written; for a directory, bytes of file content
 * @param outputBytes size of the squashfs or tar file; for a directory, bytes of file content
 * @param elapsed wall time
 * @param mksquashfsSummary what mksquashfs printed when done; empty for other formats
 * @param format what was written
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
    OutputFormat format) {}
