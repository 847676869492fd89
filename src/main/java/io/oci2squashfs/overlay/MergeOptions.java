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
 * @param linkedSymlinks hard links that name a symlink with names below them, found by the last
 *     merge ({@link MergeResult#linkedSymlinks()}): this merge takes them for the symlinks they are
 */
public record MergeOptions(
    Mtime implicitDirMtime,
    DuplicateIndex duplicates,
    LayerMode asLayer,
    SymlinkRedirects redirects,
    SymlinkSuspects suspects,
    LinkedSymlinks linkedSymlinks) {
  public static final MergeOptions DEFAULT = new MergeOptions(Mtime.EPOCH);

  /**
   * Merges of the same layers a caller runs at most ({@link #nextPass}): each learns something the
   * one before could not know in time; symlinks that lead through each other in a loop never
   * settle.
   */
  public static final int MAX_PASSES = 8;

  public MergeOptions {
    Objects.requireNonNull(implicitDirMtime, "implicitDirMtime");
    Objects.requireNonNull(suspects, "suspects");
    Objects.requireNonNull(linkedSymlinks, "linkedSymlinks");
  }

  public MergeOptions(Mtime implicitDirMtime) {
    this(implicitDirMtime, null);
  }

  public MergeOptions(Mtime implicitDirMtime, DuplicateIndex duplicates) {
    this(implicitDirMtime, duplicates, null, null, SymlinkSuspects.none(), LinkedSymlinks.none());
  }

  public MergeOptions withDuplicates(DuplicateIndex index) {
    return new MergeOptions(implicitDirMtime, index, asLayer, redirects, suspects, linkedSymlinks);
  }

  public MergeOptions withLayerMode(LayerMode mode) {
    return new MergeOptions(
        implicitDirMtime, duplicates, mode, redirects, suspects, linkedSymlinks);
  }

  /**
   * The options for merging the same layers again after {@code r} asked for it ({@link
   * MergeResult#needsSecondPass()}): with the symlinks it found to follow and the hard links it
   * found to name symlinks (and, since paths change then, duplicates to be found again under their
   * new names), else with the duplicates it found added to those known.
   */
  public MergeOptions nextPass(MergeResult r) {
    MergeOptions next =
        r.suspects().isEmpty()
            ? this
            : new MergeOptions(
                implicitDirMtime,
                duplicates,
                asLayer,
                redirects,
                suspects.plus(r.suspects()),
                linkedSymlinks);
    boolean redirectsChange = !r.redirects().isEmpty() || r.redirects().dropsAny();
    boolean namesMove = redirectsChange;
    if (r.linkedSymlinks() != null) {
      namesMove |= r.linkedSymlinks().addsTo(linkedSymlinks); // a new one leads names elsewhere
      next =
          new MergeOptions(
              implicitDirMtime, duplicates, asLayer, redirects, next.suspects, r.linkedSymlinks());
    }
    if (redirectsChange) { // new ones added, dropped ones left out
      next = next.withRedirects(redirects.plus(r.redirects()));
    }
    if (namesMove) {
      return next.withDuplicates(null);
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
    return new MergeOptions(implicitDirMtime, duplicates, asLayer, known, suspects, linkedSymlinks);
  }
}
