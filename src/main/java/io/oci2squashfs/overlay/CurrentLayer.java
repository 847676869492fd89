package io.oci2squashfs.overlay;

import io.oci2squashfs.overlay.PathTrie.Node;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the merge keeps about the layer it is reading, made afresh for each layer: its whiteouts,
 * opaque markers and replacements (applied to the trie when the layer ends, so that they act on
 * older layers only), the entries it did not write (which its own hard links may still need), the
 * hard links that need a skipped file's content (read again when the layer ends), and the symlinks
 * its tar made so far.
 */
final class CurrentLayer {
  /**
   * An entry of this layer that was not written; {@code header} is null for a non-empty regular
   * file, whose header comes back with its content when the layer is read again.
   */
  record Skipped(long ordinal, TarHeader header) {}

  /** An entry of this layer: its path and position (a layer may have a path more than once). */
  record Entry(EntryPath path, long ordinal) {}

  /** Hard links that need the content of a skipped regular file of this layer. */
  record Replay(EntryPath target, List<TarHeader> links) {}

  /** The layer's index, 0 for the base. */
  final int index;

  /**
   * Symlinks this layer's tar made so far, which its later names go through (and, in a merge that
   * follows lower symlinks, its hard links).
   */
  final OwnLayerSymlinks symlinks;

  /** Positions of entries that replace a directory whose earlier entries were skipped. */
  final Set<Long> undoneBy = new HashSet<>();

  /** Skipped regular files whose content links need, by position. */
  final Map<Long, Replay> replays = new TreeMap<>();

  /** Skipped entries already copied to a surviving link: the entry to the copy's path. */
  final Map<Entry, EntryPath> promoted = new HashMap<>();

  private final List<EntryPath> whiteouts = new ArrayList<>();
  private final List<EntryPath> opaques = new ArrayList<>();
  private final List<Node> replaced = new ArrayList<>();
  private final Map<EntryPath, Skipped> skipped = new HashMap<>();

  /**
   * Skipped non-empty regular files, raw path to position: only the position, since a link to one
   * needs the layer read again for the content anyway. A layer of whiteouts over many files skips
   * them all, and a header kept for each would cost about 150 bytes more.
   */
  private final Map<String, Long> skippedFiles = new HashMap<>();

  /** Earlier skipped entries at a path that this layer skipped again later, oldest first (rare). */
  private final Map<EntryPath, List<Skipped>> skippedEarlier = new HashMap<>();

  /** Skipped directory entries (raw paths). */
  private final Set<String> skippedDirs = new HashSet<>();

  CurrentLayer(int index) {
    this(index, false);
  }

  /** With {@code trackHardLinks}, its {@link #symlinks} also keep its hard links. */
  CurrentLayer(int index, boolean trackHardLinks) {
    this.index = index;
    this.symlinks = new OwnLayerSymlinks(trackHardLinks);
  }

  /** The whiteout of {@code path}: it hides the path from older layers once this layer ends. */
  void whiteout(EntryPath path) {
    whiteouts.add(path);
  }

  /**
   * The opaque marker of {@code dir}: it hides the directory's older children once this layer ends.
   */
  void opaque(EntryPath dir) {
    opaques.add(dir);
  }

  /**
   * A non-directory of this layer replaced what older layers had at and below {@code node}'s path.
   */
  void replaced(Node node) {
    replaced.add(node);
  }

  /** Takes note of entry {@code h}, at position {@code ordinal}, that was not written. */
  void skip(TarHeader h, long ordinal) {
    if (h.type().isDirectory()) {
      skippedDirs.add(h.path().raw()); // so that a later entry at the path is seen to repeat it
      return;
    }
    // what the path had skipped earlier in the layer (rarely anything) is kept for links before
    // this
    Skipped earlier;
    Long earlierFile;
    if (h.type() == EntryType.FILE && h.size() > 0) {
      earlierFile = skippedFiles.put(h.path().raw(), ordinal);
      earlier = skipped.remove(h.path());
    } else {
      earlier = skipped.put(h.path(), new Skipped(ordinal, h));
      earlierFile = skippedFiles.remove(h.path().raw());
    }
    if (earlier == null && earlierFile != null) {
      earlier = new Skipped(earlierFile, null);
    }
    if (earlier != null) {
      skippedEarlier.computeIfAbsent(h.path(), k -> new ArrayList<>(1)).add(earlier);
    }
  }

  /** Whether this layer skipped an entry at {@code path}, of any kind. */
  boolean skippedAny(EntryPath path) {
    return skipped.containsKey(path)
        || skippedFiles.containsKey(path.raw())
        || skippedDirs.contains(path.raw());
  }

  /** The last entry of this layer at {@code path} that was not written, or null. */
  Skipped skippedAt(EntryPath path) {
    Skipped s = skipped.get(path);
    if (s != null) {
      return s;
    }
    Long file = skippedFiles.get(path.raw());
    return file == null ? null : new Skipped(file, null);
  }

  /**
   * The last entry of this layer at {@code path} before position {@code before} that was not
   * written, or null.
   */
  Skipped skippedBefore(EntryPath path, long before) {
    List<Skipped> earlier = skippedEarlier.get(path);
    Skipped found = null;
    for (int i = 0;
        earlier != null && i < earlier.size() && earlier.get(i).ordinal() < before;
        i++) {
      found = earlier.get(i);
    }
    return found;
  }

  /** At the layer's end: its whiteouts, opaque markers and replacements now act on older layers. */
  void applyTo(PathTrie trie) {
    for (EntryPath p : whiteouts) {
      trie.findOrCreate(p).hiddenBy(index);
    }
    for (EntryPath p : opaques) {
      trie.findOrCreate(p).madeOpaqueBy(index);
    }
    for (Node n : replaced) {
      n.replacedBy(index);
    }
  }
}
