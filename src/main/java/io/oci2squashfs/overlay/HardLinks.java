package io.oci2squashfs.overlay;

import static io.oci2squashfs.overlay.PathTrie.NO_LAYER;

import io.oci2squashfs.overlay.PathTrie.Node;
import io.oci2squashfs.overlay.PathTrie.State;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The merge's hard links ({@code docs/semantics.md}, "Hard links"): those waiting for a target an
 * older layer will bring (pending), those waiting for their target to be written, the fallbacks to
 * a target later in the link's own layer, and what the current layer must copy (promotions, and
 * replays: the layer read again for a skipped file's content). A link is written after its target;
 * when the target did not survive, the first link becomes a copy of it as it was when the link's
 * layer was applied, the others links to that copy.
 */
final class HardLinks {
  /** What the hard links need of the merge in progress. */
  interface Merge {
    /** The layer being read. */
    int layer();

    /** The position of the entry being processed in it. */
    long ordinal();

    CurrentLayer current();

    /** Paths repeated within a layer, from an earlier pass; null when not known. */
    DuplicateIndex known();

    /** Writes an entry, then what waits for it ({@link #written}). */
    void write(Node node, TarHeader h, InputStream content) throws IOException;

    /** Writes an entry and nothing else. */
    void writeOnly(Node node, TarHeader h, InputStream content) throws IOException;

    void warn(int layer, EntryPath path, String message);

    /** A link was written as a copy of its vanished target. */
    void promoted();

    /** The current layer, read again from its start. */
    LayerEntries reopen() throws IOException;

    /** An entry of the current layer with its names resolved as the merge resolves them. */
    TarHeader resolved(TarHeader raw, OwnLayerSymlinks own);

    /**
     * When {@code h}, entry {@code ordinal} of the current layer, is a hard link known to name a
     * symlink ({@link LinkedSymlinks}): that symlink's raw target; else null.
     */
    String linkedSymlinkTarget(TarHeader h, long ordinal);
  }

  /** A hard link waiting for its target to appear in an older layer. */
  private record PendingLink(TarHeader link, int asOfLayer, long asOfOrdinal) {}

  private final PathTrie trie;
  private final Merge merge;

  /** Hard links waiting for their target, by target; sorted, to find those below a path. */
  private final NavigableMap<EntryPath, List<PendingLink>> pendingByTarget = new TreeMap<>();

  private final Map<EntryPath, List<TarHeader>> waitingForWrite = new HashMap<>();

  /** Links whose target came only later in their own layer: used when no older target exists. */
  private final Map<EntryPath, EntryPath> sameLayerFallback = new HashMap<>();

  HardLinks(PathTrie trie, Merge merge) {
    this.trie = trie;
    this.merge = merge;
  }

  /**
   * The entry at {@code path} was written: writes the links that waited for it, and those for them.
   */
  void written(EntryPath path) throws IOException {
    if (waitingForWrite.isEmpty()) {
      return;
    }
    Deque<EntryPath> done = new ArrayDeque<>();
    done.add(path);
    while (!done.isEmpty()) {
      EntryPath target = done.poll();
      List<TarHeader> links = waitingForWrite.remove(target);
      if (links == null) {
        continue;
      }
      for (TarHeader link : links) {
        merge.writeOnly(trie.find(link.path()), link.asHardLinkTo(target), null);
        done.add(link.path());
      }
    }
  }

  private void warn(EntryPath path, String message) {
    merge.warn(merge.layer(), path, message);
  }

  /**
   * Whether a hard link of a layer newer than {@code layer} waits for a target below {@code dir}.
   */
  boolean awaitedBelow(EntryPath dir, int layer) {
    for (Map.Entry<EntryPath, List<PendingLink>> e :
        pendingByTarget.subMap(dir, false, EntryPath.of(dir.raw() + "0"), false).entrySet()) {
      if (e.getKey().startsWith(dir)
          && e.getValue().stream().anyMatch(l -> l.asOfLayer() > layer)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Resolves hard link {@code link} to {@code target} as the filesystem is when the current layer
   * is applied.
   *
   * <p>A chain of this layer's hidden links is followed hop by hop, however long. It always ends:
   * each hop goes to an entry earlier in the tar than the one before, so tar order allows no cycle.
   *
   * @param atLink whether {@code target} is the link's own target, not a hop further down a chain
   * @param before only this layer's entries before this position count as the target (following a
   *     chain from an earlier entry, later ones had not been applied yet)
   */
  void link(TarHeader link, EntryPath target, boolean atLink, long before) throws IOException {
    int layer = merge.layer();
    CurrentLayer current = merge.current();
    DuplicateIndex known = merge.known();
    // at the link only: further down a chain, the link's own path names an older entry, not itself
    if (atLink && target.equals(link.path())) {
      warn(link.path(), "hard link to itself (" + target.display() + "); dropped");
      return;
    }
    while (true) {
      Node t = trie.find(target);
      if (t != null
          && t.stateLayer == layer
          && t.state() != State.NONE
          && t.stateOrdinal() < before) {
        // the target is this layer's own entry, earlier in its tar, and it survives
        if (t.state() != State.NON_DIR) {
          warn(link.path(), "hard link to directory " + target.display() + "; dropped");
        } else {
          linkOrWait(link, target, t);
        }
        return;
      }
      CurrentLayer.Skipped s = current.skippedAt(target);
      if (s != null && s.ordinal() >= before) {
        s =
            current.skippedBefore(
                target, before); // that entry came after the one this chain starts from
      }
      Long removed =
          s == null || known == null ? null : known.replacedAfter(layer, target, s.ordinal());
      if (removed != null && removed < before) {
        warn(
            link.path(),
            "hard-link target "
                + target.display()
                + " was removed earlier in this layer"
                + " (a later entry replaced a directory above it); dropped");
        return;
      }
      EntryPath copy =
          s == null ? null : current.promoted.get(new CurrentLayer.Entry(target, s.ordinal()));
      if (copy != null) {
        // the target's content already went to another link: share that inode
        linkOrWait(link, copy, trie.find(copy));
        return;
      }
      if (s != null) {
        // the target is this layer's own entry, earlier in its tar, and a newer layer replaced it
        TarHeader th = s.header();
        if (th == null) { // a non-empty regular file
          EntryPath file = target;
          current
              .replays
              .computeIfAbsent(s.ordinal(), k -> new CurrentLayer.Replay(file, new ArrayList<>(1)))
              .links()
              .add(link);
        } else if (th.type() == EntryType.HARDLINK) {
          target = th.hardLinkTarget(); // the next hop, as it was before that entry
          before = s.ordinal();
          continue;
        } else {
          promote(List.of(link), th, s.ordinal(), null);
        }
        return;
      }
      for (EntryPath a = target.parent(); a != null && !a.isRoot(); a = a.parent()) {
        Node n = trie.find(a);
        if (n != null
            && n.state() == State.NON_DIR
            && n.stateLayer == layer
            && n.stateOrdinal() < before) {
          warn(
              link.path(),
              "hard-link target "
                  + target.display()
                  + " was removed earlier in this layer"
                  + " ("
                  + a.display()
                  + " became a non-directory); dropped");
          return;
        }
      }
      pendingByTarget
          .computeIfAbsent(target, k -> new ArrayList<>(1))
          .add(new PendingLink(link, layer, before));
      return;
    }
  }

  /**
   * Writes {@code link} now if {@code target} (whose node is {@code t}) is written, else once it
   * is.
   */
  private void linkOrWait(TarHeader link, EntryPath target, Node t) throws IOException {
    if (t.written()) {
      writeHardLink(link, target);
    } else {
      waitingForWrite.computeIfAbsent(target, k -> new ArrayList<>(1)).add(link);
    }
  }

  /**
   * Settles the hard links of newer layers (or later in this one) that wait for the entry {@code e}
   * of the current layer, which the merge has just {@code emitted} or not.
   */
  void settle(TarHeader e, boolean emitted, LayerEntries entries) throws IOException {
    int layer = merge.layer();
    long ordinal = merge.ordinal();
    List<PendingLink> waiting = pendingByTarget.remove(e.path());
    if (waiting == null) {
      return;
    }
    List<TarHeader> toPromote = new ArrayList<>();
    List<PendingLink> stillWaiting = new ArrayList<>();
    for (PendingLink p : waiting) {
      TarHeader link = p.link();
      if (p.asOfLayer() == layer) {
        // the link came earlier in this layer's tar: in tar order it names what was there before
        // this entry, from an older layer; only if there is none does it fall back to this one
        if (emitted && !e.type().isDirectory() && !e.path().equals(link.path())) {
          sameLayerFallback.put(link.path(), e.path());
        }
        stillWaiting.add(p);
        continue;
      }
      int gone = trie.goneBetween(e.path(), layer, p.asOfLayer(), p.asOfOrdinal());
      if (gone != NO_LAYER) {
        warn(
            link.path(),
            "hard-link target "
                + e.path().display()
                + " was removed by layer "
                + gone
                + " before this link's layer "
                + p.asOfLayer()
                + "; dropped");
      } else if (e.type().isDirectory()) {
        warn(link.path(), "hard link to directory " + e.path().display() + "; dropped");
      } else if (emitted) {
        link(
            link,
            e.path(),
            true,
            ordinal + 1); // now in this layer and surviving: link or wait for it
      } else if (e.type() == EntryType.HARDLINK) {
        link(link, e.hardLinkTarget(), false, ordinal);
      } else {
        toPromote.add(link);
      }
    }
    if (!stillWaiting.isEmpty()) {
      pendingByTarget.computeIfAbsent(e.path(), k -> new ArrayList<>(1)).addAll(stillWaiting);
    }
    if (!toPromote.isEmpty()) {
      promote(toPromote, e, ordinal, e.type() == EntryType.FILE ? entries.content() : null);
    }
  }

  /**
   * Writes the first link as a copy of {@code target} (its content and metadata), the current
   * layer's entry at {@code targetOrdinal}, and the others as links to that copy.
   */
  private void promote(
      List<TarHeader> links, TarHeader target, long targetOrdinal, InputStream content)
      throws IOException {
    CurrentLayer current = merge.current();
    TarHeader first = links.get(0);
    Node node = trie.find(first.path());
    InputStream data =
        content != null || target.type() != EntryType.FILE
            ? content
            : InputStream.nullInputStream();
    merge.write(node, target.withPath(first.path()), data);
    merge.promoted();
    current.promoted.put(new CurrentLayer.Entry(target.path(), targetOrdinal), first.path());
    for (int i = 1; i < links.size(); i++) {
      writeHardLink(links.get(i), first.path());
    }
  }

  private void writeHardLink(TarHeader link, EntryPath target) throws IOException {
    merge.write(trie.find(link.path()), link.asHardLinkTo(target), null);
  }

  /**
   * Reads the current layer again for the content of skipped entries that surviving hard links
   * need.
   */
  void replay() throws IOException {
    int layer = merge.layer();
    CurrentLayer current = merge.current();
    if (current.replays.isEmpty()) {
      return;
    }
    try (LayerEntries again = merge.reopen()) {
      long ordinal = 0;
      int left = current.replays.size();
      OwnLayerSymlinks symlinks =
          new OwnLayerSymlinks(); // names resolve as they did the first time
      for (TarHeader raw = again.next(); raw != null && left > 0; raw = again.next()) {
        ordinal++;
        TarHeader h = merge.resolved(raw, symlinks);
        symlinks.saw(h, ordinal, merge.linkedSymlinkTarget(h, ordinal));
        CurrentLayer.Replay r = current.replays.get(ordinal);
        if (r == null) {
          continue;
        }
        if (!h.path().equals(r.target()) || h.type() != EntryType.FILE || h.size() == 0) {
          throw new IOException(
              "layer "
                  + layer
                  + " read differently the second time: entry #"
                  + ordinal
                  + " was the file "
                  + r.target().display()
                  + ", now "
                  + h.path().display());
        }
        promote(r.links(), h, ordinal, again.content());
        left--;
      }
      if (left > 0) {
        throw new IOException("layer " + layer + " ended early when read the second time");
      }
    }
  }

  /**
   * At the end of the merge: the links whose target never came, linked to what their own layer put
   * there later, to the lower layers' path (layer mode), or dropped with a warning; and the links
   * waiting for a link that was itself dropped.
   */
  void finish(boolean layerMode) throws IOException {
    List<PendingLink> unresolved = new ArrayList<>();
    List<EntryPath> unresolvedTargets = new ArrayList<>(); // at the end of a chain of links
    pendingByTarget.forEach(
        (target, links) -> {
          unresolved.addAll(links);
          links.forEach(l -> unresolvedTargets.add(target));
        });
    pendingByTarget.clear();
    for (int i = 0; i < unresolved.size(); i++) {
      PendingLink p = unresolved.get(i);
      EntryPath fallback = sameLayerFallback.get(p.link().path());
      if (layerMode) {
        linkToLower(p, unresolvedTargets.get(i), fallback != null);
      } else if (fallback != null) {
        // a link listed before its target in one layer, with no older target: link it anyway
        linkOrWait(p.link(), fallback, trie.find(fallback));
      } else {
        merge.warn(
            p.asOfLayer(),
            p.link().path(),
            "hard-link target "
                + p.link().hardLinkTarget().display()
                + " does not exist in this or any older layer; dropped");
      }
    }
    for (Map.Entry<EntryPath, List<TarHeader>> e : waitingForWrite.entrySet()) {
      for (TarHeader link : e.getValue()) {
        Node n = trie.find(link.path()); // the link's own layer decided its path
        int layer = n == null || n.stateLayer == PathTrie.NO_LAYER ? -1 : n.stateLayer;
        merge.warn(
            layer,
            link.path(),
            "hard-link target "
                + e.getKey().display()
                + " was itself a link that could not be resolved; dropped");
      }
    }
    waitingForWrite.clear();
  }

  /**
   * Layer mode: a hard link whose target no merged layer had at or below the link's layer names the
   * lower layers' path; see {@link LayerMode}.
   */
  private void linkToLower(PendingLink p, EntryPath target, boolean laterInOwnLayer)
      throws IOException {
    int layer = merge.layer();
    TarHeader link = p.link();
    int gone = trie.goneBetween(target, layer, p.asOfLayer(), p.asOfOrdinal());
    if (gone != NO_LAYER) {
      merge.warn(
          p.asOfLayer(),
          link.path(),
          "hard-link target "
              + target.display()
              + " was removed by layer "
              + gone
              + " before this link's layer; dropped");
    } else if (laterInOwnLayer || trie.touched(target)) {
      throw new UnsquashableLinkException(p.asOfLayer(), link.path(), target);
    } else {
      merge.write(trie.find(link.path()), link.asHardLinkTo(target), null);
    }
  }
}
