package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.Mtime;
import java.util.Objects;

/**
 * Choices the merge leaves to its caller.
 *
 * @param implicitDirMtime mtime given to a directory that no visible layer has an explicit entry
 *     for (such directories are 0755, owned 0:0)
 * @param duplicates paths repeated within a layer, as a previous merge of the same layers found
 *     them ({@link MergeResult#duplicates()}); null when not known yet
 * @param asLayer null for a whole filesystem; else the output is one layer that replaces the merged
 *     layers on top of lower ones (see {@link LayerMode})
 * @param redirects null to keep a directory where newer entries lie below a lower symlink (with a
 *     warning); else follow such symlinks as container runtimes do: the ones known from earlier
 *     merges of the same layers ({@link MergeResult#redirects()}), or {@link
 *     SymlinkRedirects#none()}
 * @param suspects lower symlinks that newer entries may have gone through before a newer layer
 *     removed them, found by earlier merges ({@link MergeResult#suspects()}): this merge watches
 *     them and follows those it finds were gone through
 */
public record MergeOptions(
    Mtime implicitDirMtime,
    DuplicateIndex duplicates,
    LayerMode asLayer,
    SymlinkRedirects redirects,
    SymlinkSuspects suspects) {
  public static final MergeOptions DEFAULT =
      new MergeOptions(Mtime.EPOCH, null, null, null, SymlinkSuspects.none());

  /**
   * Merges of the same layers a caller runs at most ({@link #nextPass}): each learns something the
   * one before could not know in time; symlinks that lead through each other in a loop never
   * settle.
   */
  public static final int MAX_PASSES = 8;

  public MergeOptions {
    Objects.requireNonNull(implicitDirMtime, "implicitDirMtime");
    Objects.requireNonNull(suspects, "suspects");
  }

  public MergeOptions(Mtime implicitDirMtime) {
    this(implicitDirMtime, null, null, null, SymlinkSuspects.none());
  }

  public MergeOptions(Mtime implicitDirMtime, DuplicateIndex duplicates) {
    this(implicitDirMtime, duplicates, null, null, SymlinkSuspects.none());
  }

  public MergeOptions withDuplicates(DuplicateIndex index) {
    return new MergeOptions(implicitDirMtime, index, asLayer, redirects, suspects);
  }

  public MergeOptions withLayerMode(LayerMode mode) {
    return new MergeOptions(implicitDirMtime, duplicates, mode, redirects, suspects);
  }

  /**
   * The options for merging the same layers again after {@code r} asked for it ({@link
   * MergeResult#needsSecondPass()}): with the symlinks it found to follow (and, since paths change
   * then, duplicates to be found again under their new names), else with the duplicates it found
   * added to those known.
   */
  public MergeOptions nextPass(MergeResult r) {
    MergeOptions next =
        r.suspects().isEmpty()
            ? this
            : new MergeOptions(
                implicitDirMtime, duplicates, asLayer, redirects, suspects.plus(r.suspects()));
    if (!r.redirects().isEmpty()) {
      return next.withRedirects(redirects.plus(r.redirects())).withDuplicates(null);
    }
    if (r.duplicates().isEmpty()) {
      return next;
    }
    return next.withMoreDuplicates(r.duplicates());
  }

  private MergeOptions withMoreDuplicates(DuplicateIndex found) {
    // a pass that knew some duplicates can find more (a directory entry skipped as repeated leaves
    // its children making the directory that a later file then replaces)
    return withDuplicates(duplicates == null ? found : duplicates.plus(found));
  }

  /**
   * Follow lower symlinks as runtimes do, with these redirects known ({@link
   * SymlinkRedirects#none()} at first).
   */
  public MergeOptions withRedirects(SymlinkRedirects known) {
    return new MergeOptions(implicitDirMtime, duplicates, asLayer, known, suspects);
  }
}
