package io.oci2squashfs.squash;

import io.oci2squashfs.image.Digest;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a squash did.
 *
 * @param output the image written
 * @param layersBefore the image's layer count before
 * @param layersSquashed how many top layers became one
 * @param squashedBytes the squashed layers' blobs, in bytes, summed
 * @param newLayerBytes the new layer's blob, in bytes
 * @param imageBytesBefore every layer blob of the original, summed
 * @param imageBytesAfter every layer blob of the output, summed
 * @param newLayerDigest the new layer's blob digest
 * @param newLayerDiffId its uncompressed digest
 * @param imageDigest the manifest's digest (OCI formats) or the config's (docker-archive)
 * @param entries entries in the new layer (markers included)
 * @param markers whiteouts and opaque markers in the new layer
 */
public record SquashResult(
    Path output,
    int layersBefore,
    int layersSquashed,
    long squashedBytes,
    long newLayerBytes,
    long imageBytesBefore,
    long imageBytesAfter,
    Digest newLayerDigest,
    Digest newLayerDiffId,
    Digest imageDigest,
    long entries,
    long markers,
    Duration elapsed) {}
