package io.oci2squashfs.convert;

import io.oci2squashfs.verity.VerityResult;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The verity tree a conversion wrote, and where.
 *
 * @param tree the root hash and the tree's parameters
 * @param mode appended to the image, or in a sidecar file
 * @param hashFile the file holding the tree: the image itself, or {@code OUTPUT.verity}
 * @param rootHashFile {@code OUTPUT.roothash}
 * @param elapsed the time the tree took
 */
public record VerityOutcome(
    VerityResult tree,
    VerityOutput.Mode mode,
    Path hashFile,
    Path rootHashFile,
    Duration elapsed) {}
