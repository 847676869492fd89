package io.oci2squashfs.convert;

import io.oci2squashfs.overlay.MergeResult;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a conversion produced.
 *
 * @param output the squashfs file
 * @param source how the image was found (layout kind, manifest)
 * @param layers number of layers merged
 * @param merge the merge's counts
 * @param tarBytes bytes of merged tar streamed to mksquashfs
 * @param outputBytes size of the squashfs file
 * @param elapsed wall time
 * @param mksquashfsSummary what mksquashfs printed when done
 */
public record ConvertResult(
    Path output,
    String source,
    int layers,
    MergeResult merge,
    long tarBytes,
    long outputBytes,
    Duration elapsed,
    String mksquashfsSummary) {}
