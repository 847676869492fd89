package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.TarHeader;

/**
 * What a merge produced.
 *
 * @param root the root directory's attributes: the newest layer's root entry, else 0755 owned 0:0
 * @param rootFromLayer the layer the root entry came from, or -1 when none had one
 * @param entriesWritten entries handed to the output (the root not counted)
 * @param whiteoutsApplied whiteout and opaque markers read
 * @param hardLinksPromoted hard links written as a copy of a target that did not survive
 * @param warnings warnings raised
 * @param duplicates paths this merge found repeated within a layer, when it was not told of them
 *     in advance; when not empty the output is incomplete and must be discarded, and the merge
 *     run again with {@link MergeOptions#withDuplicates}
 * @param redirects lower symlinks this merge found newer entries below, when told to follow them
 *     ({@link MergeOptions#redirects()}); when not empty the output is incomplete and must be
 *     discarded, and the merge run again with these added to the known ones
 */
public record MergeResult(
    TarHeader root,
    int rootFromLayer,
    long entriesWritten,
    long whiteoutsApplied,
    long hardLinksPromoted,
    long warnings,
    DuplicateIndex duplicates,
    SymlinkRedirects redirects) {

  /** True when the output must be discarded and the merge run again with what it found. */
  public boolean needsSecondPass() {
    return !duplicates.isEmpty() || !redirects.isEmpty();
  }
}
