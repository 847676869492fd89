package io.oci2squashfs.overlay;

import io.oci2squashfs.overlay.PathTrie.Node;
import io.oci2squashfs.overlay.PathTrie.State;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.TarHeader;
import java.util.ArrayDeque;

/**
 * Tar order within one layer ({@code docs/semantics.md}, E1, E2 and C1): a path the layer has
 * twice, where the later entry wins, and a non-directory over a directory the layer's own earlier
 * entries made, which undoes them. A newest-first pass has written the earlier entry before it
 * meets the later one, so a pass that finds such paths mutes its output and reports them ({@link
 * #found}); the next, told of them ({@link DuplicateIndex}), skips what the later entries undo.
 * Made afresh for each pass.
 */
final class LayerRepeats {
  /** What the repeats need of the pass in progress. */
  interface Pass {
    /** The layer being read. */
    int layer();

    /** The position of the entry being processed in it. */
    long ordinal();

    CurrentLayer current();

    void warn(EntryPath path, String message);

    /** This pass will be redone: its output need not be written any more. */
    void mute();
  }

  private final Pass pass;
  private final PathTrie trie;
  private final LowerSymlinkTracker lowerSymlinks;

  /** Duplicates known from an earlier pass, or null when this pass must discover them. */
  private final DuplicateIndex known;

  private final DuplicateIndex found = new DuplicateIndex();

  LayerRepeats(Pass pass, PathTrie trie, LowerSymlinkTracker lowerSymlinks, DuplicateIndex known) {
    this.pass = pass;
    this.trie = trie;
    this.lowerSymlinks = lowerSymlinks;
    this.known = known;
  }

  /** What this pass found that it was not told of, for {@link MergeResult#duplicates()}. */
  DuplicateIndex found() {
    return found;
  }

  /**
   * With the repeats of a previous pass known: whether {@code h}, the entry being processed, is
   * undone by a later entry of its layer (at its path, or a non-directory at a directory above it),
   * and so skipped.
   */
  boolean undoneLater(TarHeader h) {
    if (known == null) {
      return false;
    }
    int layer = pass.layer();
    long ordinal = pass.ordinal();
    CurrentLayer current = pass.current();
    EntryPath path = h.path();
    Long undoneBy = known.replacedAfter(layer, path, ordinal);
    if (undoneBy != null) {
      current.undoneBy.add(undoneBy);
      current.skip(h, ordinal);
      return true;
    }
    if (current.undoneBy.contains(ordinal)) {
      pass.warn(
          path,
          "replaces the directory that earlier entries of this layer made below it;"
              + " as tar would, the later entry wins and those entries are dropped");
    }
    Long last = known.lastOrdinal(layer, path);
    if (last != null && ordinal < last) {
      current.skip(h, ordinal); // links in between still see it
      if (!h.type().isDirectory()) {
        // but it did replace what older layers had at and below the path, even if the later
        // entry is a directory, and what this layer put below it before
        PathTrie.Lookup seen = trie.lookup(path, layer);
        if (!seen.hidden()) {
          current.replaced(seen.node() != null ? seen.node() : trie.findOrCreate(path));
        }
        Node n = trie.find(path);
        if (n != null
            && n.state() != State.NON_DIR
            && n.state() != State.NONE
            && madeByThisLayer(n)) {
          replacesOwnDirectory(path);
        }
      }
      return true;
    }
    if (last != null) {
      pass.warn(path, "appears more than once in this layer; the last entry is kept");
    }
    return false;
  }

  /**
   * When {@code h}, the entry being processed, repeats a path this layer already had, unknown to
   * the pass: notes it for the next pass and mutes this one, which goes on only to find every
   * repeat (a later pass can find more, once skipped entries no longer hide others).
   */
  void noteIfRepeated(TarHeader h) {
    EntryPath path = h.path();
    if ((known != null && known.lastOrdinal(pass.layer(), path) != null) || !repeats(path)) {
      return;
    }
    found.add(pass.layer(), path, pass.ordinal());
    if (h.type().isDirectory()) {
      lowerSymlinks.forget(path); // a symlink it replaces leads nowhere
    } else {
      replacesOwnDirectory(path); // and what this layer put below it
    }
    pass.mute();
  }

  /** Whether this layer already had an entry at {@code path} that could matter. */
  private boolean repeats(EntryPath path) {
    if (pass.current().skippedAny(path)) {
      return true;
    }
    Node n = trie.find(path);
    return n != null
        && n.stateLayer == pass.layer()
        && (n.state() == State.NON_DIR || n.state() == State.EXPLICIT_DIR);
  }

  /**
   * Tar order: the non-directory entry being processed replaces the directory at {@code path}, and
   * with it what this layer's earlier entries put below it. Output already written cannot show
   * that, so this pass goes on only to learn, and the next skips those entries.
   */
  void replacesOwnDirectory(EntryPath path) {
    found.addReplacedDirectory(pass.layer(), path, pass.ordinal());
    lowerSymlinks.forgetAtOrBelow(path); // no way through any more
    pass.mute();
  }

  /**
   * Whether the directory {@code dir} is made, or has something below it made, by the current
   * layer's entries.
   */
  boolean madeByThisLayer(Node dir) {
    return dir.stateLayer == pass.layer() || setByThisLayerBelow(dir);
  }

  /**
   * Whether an entry of the current layer made any path below {@code dir}, or is a symlink there
   * that newer layers' entries were to go through.
   */
  boolean setByThisLayerBelow(Node dir) {
    if (lowerSymlinks.foundAtOrBelow(dir.path())) {
      return true;
    }
    int layer = pass.layer();
    ArrayDeque<Node> todo = new ArrayDeque<>();
    dir.forEachChild(todo::add);
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (n.stateLayer == layer) {
        return true;
      }
      n.forEachChild(todo::add);
    }
    return false;
  }
}
