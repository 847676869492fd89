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
 * @param duplicates paths this merge found repeated within a layer, when it was not told of them in
 *     advance; when not empty the output is incomplete and must be discarded, and the merge run
 *     again with {@link MergeOptions#withDuplicates}
 * @param redirects lower symlinks this merge found newer entries below, when told to follow them
 *     ({@link MergeOptions#redirects()}), and those it was told of but found no longer hold ({@link
 *     SymlinkRedirects#dropsAny()}); when either, the output must be discarded, and the merge run
 *     again with these added to the known ones and the dropped ones left out
 * @param suspects lower symlinks this merge met hidden or replaced by a newer layer with something
 *     below their path, not known to it in advance; when not empty the output must be discarded,
 *     and the merge run again watching them ({@link SymlinkSuspects})
 * @param linkedSymlinks null when the hard links this merge found to name a symlink with names
 *     below them are those it was told of ({@link MergeOptions#linkedSymlinks()}); else those it
 *     found, and the output must be discarded and the merge run again with these instead
 */
public record MergeResult(
    TarHeader root,
    int rootFromLayer,
    long entriesWritten,
    long whiteoutsApplied,
    long hardLinksPromoted,
    long warnings,
    DuplicateIndex duplicates,
    SymlinkRedirects redirects,
    SymlinkSuspects suspects,
    LinkedSymlinks linkedSymlinks) {

  /**
   * Why a merge must be run again: {@code reason} what was found, {@code purpose} what the next
   * pass does about it (read together: "REASON; reading the image again PURPOSE").
   */
  public record Repeat(String reason, String purpose) {
    @Override
    public String toString() {
      return reason + "; reading again " + purpose;
    }
  }

  /** True when the output must be discarded and the merge run again with what it found. */
  public boolean needsSecondPass() {
    return anotherPass() != null;
  }

  /** Why the output must be discarded and the merge run again, or null when it need not. */
  public Repeat anotherPass() {
    if (!redirects.isEmpty()) {
      return new Repeat(
          redirects.size() + " symlinks of lower layers have newer entries below them",
          "to put those entries through the links, as container runtimes do");
    }
    if (redirects.dropsAny()) {
      return new Repeat(
          redirects.droppedSize()
              + " symlinks of lower layers that newer entries were put through are not where"
              + " they were found (their names go through an older link, or their layer removes"
              + " them)",
          "to leave those entries where they are named");
    }
    if (linkedSymlinks != null) {
      return new Repeat(
          "hard links that name symlinks have names below them ("
              + linkedSymlinks.size()
              + " known now)",
          "to put those names through the symlinks, as extracting in order does");
    }
    if (!suspects.isEmpty()) {
      return new Repeat(
          suspects.size()
              + " symlinks of lower layers were removed or replaced by newer layers"
              + " with entries below their paths",
          "to find which of those entries went through the links first");
    }
    if (!duplicates.isEmpty()) {
      return new Repeat(
          duplicates.size()
              + " paths appear more than once within one layer (or replace a"
              + " directory that layer's earlier entries made)",
          "so that the later entry wins, as tar would");
    }
    return null;
  }
}
