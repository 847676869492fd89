package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A merge whose output is one layer S that replaces the merged layers T on top of lower layers L:
 * applying L then S must give what applying L then T gives, for the L the caller has.
 *
 * <p>What changes against a whole-filesystem merge:
 *
 * <ul>
 *   <li><b>Markers.</b> A path p is <em>removed from below</em> when some layer of T has a whiteout
 *       of p or of an ancestor, an opaque marker on a strict ancestor, or a non-directory at p or a
 *       strict ancestor (it replaced whatever L had there, children included): L's p never comes
 *       back, whatever later layers of T do. Walking the paths from the root, the first such p on
 *       each branch gets, in S:
 *       <ul>
 *         <li>p a written non-directory: nothing more, the entry replaces L's p;
 *         <li>p absent (or a hard link that was dropped): a whiteout {@code .wh.p};
 *         <li>p a directory: an opaque marker {@code p/.wh..wh..opq}, and when T has no entry for p
 *             itself, an explicit p with the attributes of an implied directory (L's p is gone, so
 *             its attributes must not show through).
 *       </ul>
 *       A directory with an opaque marker of T (and no removal of its own) gets an opaque marker.
 *       Below a marker nothing of L remains, so deeper markers are left out, and every directory
 *       that T only implied is written explicitly there.
 *   <li><b>Implied directories</b> elsewhere are not written: L's directory keeps its attributes,
 *       as under T, and a missing one is made by the entries below it, as under T. Those with no
 *       entry left below them (T added {@code p/x}, then removed {@code x}) exist under T whatever
 *       L holds; S writes them explicitly only when {@link #lowerHasDirectory} says L lacks them.
 *   <li><b>Hard links</b> whose target is in L only stay links to that path. When a layer of T
 *       removed the target before the link's layer, the link is dropped, as in a whole merge. When
 *       a later layer of T removes or replaces the target (or it comes later in the link's own
 *       layer), the link would need L's content, which S cannot name: the merge fails with an
 *       {@link UnsquashableLinkException}.
 *   <li><b>The root entry</b> is left to the caller ({@link MergeResult#rootFromLayer()} says
 *       whether T had one).
 * </ul>
 *
 * <p>Markers and the directories written for them come after every other entry; a writer that wants
 * them first (some extractors apply markers in tar order) collects them, they are few.
 *
 * @param lowerHasDirectory whether the lower layers, applied, hold a directory at a path (or a
 *     symlink, which the squashed layers' entries went through: no directory must replace it);
 *     asked only for the rare implied directory with nothing left below it
 */
public record LayerMode(Predicate<EntryPath> lowerHasDirectory) {
  public LayerMode {
    Objects.requireNonNull(lowerHasDirectory, "lowerHasDirectory");
  }
}
