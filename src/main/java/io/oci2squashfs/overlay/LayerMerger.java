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
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Merges an image's layers into one filesystem, visiting them newest first, with the result that
 * applying them oldest first (OCI "Applying Changesets") would give; see {@code docs/semantics.md}
 * for every case, rule by rule.
 *
 * <p>An entry is written the first time it is seen unless a newer layer already decided its path or
 * hid it. Whiteouts of a layer take effect only after the whole layer is read, so they hide older
 * layers but never the layer's own entries. A hard link is written once its target has been
 * written; when the target did not survive to the final image, the link becomes a copy of the
 * target as it was when the link's layer was applied, read either from the older layer as it
 * streams past or, for a target earlier in the link's own layer, by reading that layer again.
 *
 * <p>Not thread-safe; one instance may run several merges one after the other.
 */
public final class LayerMerger {

  private final MergeOptions options;
  private final MergeListener listener;

  public LayerMerger(MergeOptions options, MergeListener listener) {
    this.options = Objects.requireNonNull(options, "options");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Merges every layer of {@code layers} into {@code output}.
   *
   * @throws IOException from reading a layer or writing the output; the output is then incomplete
   */
  public MergeResult merge(LayerSource layers, MergeOutput output) throws IOException {
    return new Run(layers, output).run();
  }

  /** Where a pass's output goes once it knows the next pass must redo it. */
  private static final MergeOutput MUTED = (header, content) -> {};

  private final class Run
      implements HardLinks.Merge,
          LowerSymlinkTracker.Pass,
          LinkedSymlinkFinder.Pass,
          LayerRepeats.Pass {
    private final LayerSource layers;
    private MergeOutput out;

    /** Duplicates known from an earlier pass, or null when this pass must discover them. */
    private final DuplicateIndex known;

    private final PathTrie trie = new PathTrie();
    private final HardLinks hardLinks;

    /** Lower symlinks: those to follow and watch, and those this merge finds. */
    private final LowerSymlinkTracker lowerSymlinks;

    /** Hard links known to name a symlink (S11), and the search for more. */
    private final LinkedSymlinkFinder linkedFinder;

    /** Paths a layer has twice, and directories it replaces (E1, E2). */
    private final LayerRepeats repeats;

    /** The layer being read, and what the merge keeps about it; made afresh for each layer. */
    private int layer;

    private CurrentLayer current;

    /** Position (1-based) of the entry being processed in the current layer. */
    private long ordinal;

    private TarHeader root;
    private int rootLayer = -1;
    private long written;
    private long whiteouts;
    private long promoted;
    private long warnings;

    Run(LayerSource layers, MergeOutput out) {
      this.layers = layers;
      this.out = out;
      this.known = options.duplicates();
      this.hardLinks = new HardLinks(trie, this);
      this.linkedFinder = new LinkedSymlinkFinder(this, trie, hardLinks, options);
      this.lowerSymlinks = new LowerSymlinkTracker(this, trie, hardLinks, linkedFinder, options);
      this.repeats = new LayerRepeats(this, trie, lowerSymlinks, known);
    }

    // ---- what the hard links need (HardLinks.Merge)

    @Override
    public int layer() {
      return layer;
    }

    @Override
    public long ordinal() {
      return ordinal;
    }

    @Override
    public CurrentLayer current() {
      return current;
    }

    @Override
    public DuplicateIndex known() {
      return known;
    }

    @Override
    public void warn(int atLayer, EntryPath path, String message) {
      warnAt(atLayer, path, message);
    }

    @Override
    public void warn(EntryPath path, String message) {
      warnAt(layer, path, message);
    }

    @Override
    public void mute() {
      out = MUTED;
    }

    @Override
    public void promoted() {
      promoted++;
    }

    @Override
    public LayerEntries reopen() throws IOException {
      return layers.open(layer);
    }

    MergeResult run() throws IOException {
      int count = layers.layerCount();
      for (layer = count - 1; layer >= 0; layer--) {
        current = new CurrentLayer(layer, lowerSymlinks.following());
        listener.layerStarted(layer, count);
        try (LayerEntries entries = layers.open(layer)) {
          long ordinal = 0;
          for (TarHeader h = entries.next(); h != null; h = entries.next()) {
            if (ordinal
                == Integer.MAX_VALUE) { // the trie keeps positions in an int; a terabyte of headers
              throw new IOException(
                  "layer " + layer + " has more than " + Integer.MAX_VALUE + " entries");
            }
            process(h, ++ordinal, entries);
          }
        }
        hardLinks.replay();
        endLayer();
        listener.layerFinished(layer, count);
      }
      finish();
      DuplicateIndex found = repeats.found();
      LinkedSymlinks linkedSymlinks = linkedFinder.next(found.isEmpty()); // may warn
      TarHeader rootHeader =
          root != null
              ? root
              : TarHeader.of(EntryPath.ROOT, EntryType.DIRECTORY)
                  .withMtime(options.implicitDirMtime());
      return new MergeResult(
          rootHeader,
          rootLayer,
          written,
          whiteouts,
          promoted,
          warnings,
          found,
          lowerSymlinks.found(),
          lowerSymlinks.foundSuspects(),
          linkedSymlinks);
    }

    private void process(TarHeader entry, long entryOrdinal, LayerEntries entries)
        throws IOException {
      ordinal = entryOrdinal;
      TarHeader h = resolved(entry, current.symlinks);
      EntryPath path = h.path();
      Whiteouts.Kind kind = Whiteouts.classify(path);
      // whiteouts and opaque markers go through it too, without a word: they add nothing
      String via = current.symlinks.takeNewlyFollowed(kind == Whiteouts.Kind.ENTRY);
      if (via != null) {
        // umoci and the runtimes follow it; GNU tar does for a plain relative link, but refuses
        // (leaves the link for last) when its target is absolute or holds '..'
        warn(
            entry.path(),
            "goes through "
                + EntryPath.of(via).display()
                + ", a symlink this layer made"
                + " earlier; put at "
                + h.path().display()
                + " (and so the names after it), as extracting in order does");
      }
      String linked = linkedFinder.knownTarget(h, ordinal);
      String symlinkTarget = current.symlinks.saw(h, ordinal, linked);
      for (OwnLayerSymlinks.Link l : current.symlinks.takeGoneBelow()) {
        linkedFinder.probe(l.path(), l.hardLinkTarget(), l.ordinal()); // names of this layer below
      }
      if (lowerSymlinks.watching()) {
        lowerSymlinks.record(h, kind);
      }
      if (path.isRoot()) {
        takeRoot(h);
        return;
      }
      switch (kind) {
        case AUFS_META:
          return;
        case OPAQUE:
          current.opaque(path.parent());
          whiteouts++;
          return;
        case WHITEOUT:
          current.whiteout(Whiteouts.hiddenPath(path));
          whiteouts++;
          return;
        default:
          break;
      }
      // the entry where a symlink counts: a hard link that names one is one (S11)
      TarHeader link =
          h.type() == EntryType.HARDLINK ? linkedFinder.asSymlink(h, symlinkTarget, linked) : h;
      if (repeats.undoneLater(h)) {
        return;
      }
      repeats.noteIfRepeated(h);
      lowerSymlinks.keepIfMet(link);
      boolean emitted = false;
      PathTrie.Lookup seen = trie.lookup(path, layer);
      Node at = seen.node();
      if (seen.hidden()) {
        if (seen.belowOwnNonDir()) {
          belowOwnNonDirectory(path, seen.hider().path());
        }
        if (!seen.hiderIsPath()) {
          trie.findOrCreate(path.parent()).hidEntryBelow(); // for a lower symlink above it
        }
        keepVisibleParents(seen);
        if (!h.type().isDirectory() && lowerSymlinks.foundAtOrBelow(path)) {
          // hidden, it still undoes its own layer's symlinks below it: nothing newer went through
          repeats.replacesOwnDirectory(path); // (C17)
        }
        lowerSymlinks.suspectIfGoneThrough(link);
        skip(h, ordinal);
      } else if (at == null || at.state() == State.NONE) {
        if (at != null && (at.hasChildren() || at.opaqueLayer() != NO_LAYER)) {
          lowerSymlinks.followLater(
              link, "whiteouts or opaque markers of newer layers"); // only markers lie below it
        } else if (lowerSymlinks.awaitedBelow(link)) {
          lowerSymlinks.followLater(link, "hard-link targets of newer layers");
        }
        emit(h, entries);
        emitted = true;
      } else if (at.state() == State.IMPLICIT_DIR) {
        if (h.type().isDirectory()) {
          at.state(State.EXPLICIT_DIR, layer, ordinal);
          write(at, h, null);
          emitted = true;
        } else if (repeats.madeByThisLayer(at)) {
          repeats.replacesOwnDirectory(path);
          current.replaced(at); // and it removed what older layers had there
          skip(h, ordinal);
        } else {
          if (!lowerSymlinks.followLater(
              link,
              "entries in layer " + at.stateLayer + " that has no entry for the path itself")) {
            replacedByImplicitDir(link, at);
          }
          current.replaced(at);
          skip(h, ordinal);
        }
      } else {
        if (at.state() == State.EXPLICIT_DIR && !h.type().isDirectory()) {
          // a newer layer made it a directory again, but this non-directory still removed what
          // older layers had at and below the path, and what this layer's earlier entries put there
          if (repeats.setByThisLayerBelow(at)) {
            repeats.replacesOwnDirectory(path);
          }
          current.replaced(at);
        }
        if (at.stateLayer > layer) {
          lowerSymlinks.suspectIfGoneThrough(link);
        }
        skip(h, ordinal);
      }
      if (lowerSymlinks.watching() && link.type() == EntryType.SYMLINK) {
        // last: what replaces this layer's own directories must not see it
        lowerSymlinks.followIfGoneThrough(link);
      }
      hardLinks.settle(h, emitted, entries);
      linkedFinder.settle(h, emitted);
    }

    @Override
    public String linkedSymlinkTarget(TarHeader h, long entryOrdinal) {
      return linkedFinder.knownTarget(h, entryOrdinal);
    }

    /**
     * An entry hidden by a newer layer still made its parent directories when its own layer was
     * applied; those above what hid it survive, as directories without an entry if none comes.
     */
    private void keepVisibleParents(PathTrie.Lookup hidden) {
      Node start = hidden.hiderStays() ? hidden.hider() : hidden.hider().parent;
      for (Node a = start; a != null && a.parent != null && a.state() == State.NONE; a = a.parent) {
        a.state(State.IMPLICIT_DIR, layer, ordinal);
      }
    }

    private void takeRoot(TarHeader h) {
      if (!h.type().isDirectory()) {
        warn(h.path(), "a root entry that is not a directory (" + h.type() + ") is ignored");
      } else if (root == null || rootLayer == layer) {
        // the newest layer with a root entry gives the root; within it, as tar, the last entry wins
        root = h;
        rootLayer = layer;
      }
    }

    private void replacedByImplicitDir(TarHeader h, Node dir) {
      String what =
          h.type() == EntryType.SYMLINK
              ? "symlink to " + LowerSymlinkTracker.displayRaw(h.symlinkTarget())
              : h.type().toString().toLowerCase(Locale.ROOT);
      String rule =
          h.type() == EntryType.SYMLINK
              ? "; container runtimes would follow the link and put those entries in its target,"
                  + " this output keeps a directory here (converting to a file, not a stream,"
                  + " follows the link)"
              : h.type() == EntryType.HARDLINK && !lowerSymlinks.following()
                  ? "; it is replaced by a directory (runtimes refuse such a layer, or, if the link"
                      + " names a symlink, follow it, as converting to a file, not a stream, does)"
                  : "; it is replaced by a directory (runtimes refuse such a layer)";
      String message =
          "this "
              + what
              + " is a parent of entries in layer "
              + dir.stateLayer
              + " that has no entry for the path itself"
              + rule;
      if (h.type() == EntryType.HARDLINK && linkedFinder.seeking(ordinal)) {
        linkedFinder.warnUnlessSymlink(ordinal, h.path(), message); // a symlink would be followed
      } else {
        warn(h.path(), message);
      }
    }

    /** Entry {@code path} of this layer lies below its own non-directory {@code hider} (E3). */
    private void belowOwnNonDirectory(EntryPath path, EntryPath hider) {
      String message =
          "lies below "
              + hider.display()
              + ", which this layer already made a non-directory; dropped";
      OwnLayerSymlinks.Link link = current.symlinks.at(hider);
      if (link != null && link.symlinkTarget() == null && linkedFinder.seeking(link.ordinal())) {
        linkedFinder.warnUnlessSymlink(link.ordinal(), path, message); // a hard link, maybe to one
      } else {
        warn(path, message);
      }
    }

    private void emit(TarHeader h, LayerEntries entries) throws IOException {
      Node node = trie.findOrCreate(h.path());
      for (Node a = node.parent; a.parent != null && a.state() == State.NONE; a = a.parent) {
        a.state(State.IMPLICIT_DIR, layer, ordinal);
      }
      if (h.type().isDirectory()) {
        node.state(State.EXPLICIT_DIR, layer, ordinal);
        write(node, h, null);
      } else if (h.type() == EntryType.HARDLINK) {
        node.state(State.NON_DIR, layer, ordinal); // reserved; written once the target is
        hardLinks.link(h, h.hardLinkTarget(), true, ordinal);
      } else {
        node.state(State.NON_DIR, layer, ordinal);
        write(node, h, h.type() == EntryType.FILE ? entries.content() : null);
      }
    }

    private void skip(TarHeader h, long ordinal) {
      current.skip(h, ordinal);
    }

    /** Writes one entry, then every hard link that was waiting for it. */
    @Override
    public void write(Node node, TarHeader h, InputStream content) throws IOException {
      writeOnly(node, h, content);
      hardLinks.written(h.path());
    }

    /** Writes one entry and counts it; what waits for it is the caller's business. */
    @Override
    public void writeOnly(Node node, TarHeader h, InputStream content) throws IOException {
      out.write(h, content);
      node.markWritten();
      written++;
    }

    /**
     * Entry {@code raw} of the current layer as extracting the layers in order would place it: its
     * name (and a hard link's target) resolved through the lower symlinks known to lead elsewhere
     * and through the symlinks {@code own} that this layer's earlier entries made, until neither
     * applies.
     */
    @Override
    public TarHeader resolved(TarHeader raw, OwnLayerSymlinks own) {
      TarHeader h = raw;
      for (int hop = 0; hop < SymlinkRedirects.MAX_HOPS; hop++) {
        TarHeader next = own.apply(lowerSymlinks.apply(layer, h));
        if (next == h) {
          return h;
        }
        h = next;
      }
      return h;
    }

    /** Applies the finished layer's whiteouts and replacements to all older layers. */
    private void endLayer() {
      current.applyTo(trie);
    }

    private void finish() throws IOException {
      hardLinks.finish(options.asLayer() != null);
      if (options.asLayer() != null) {
        new LowerMarkers(
                trie,
                options.asLayer(),
                new LowerMarkers.Writer() {
                  @Override
                  public void impliedDirectory(Node n) throws IOException {
                    write(
                        n,
                        TarHeader.of(n.path(), EntryType.DIRECTORY)
                            .withMtime(options.implicitDirMtime()),
                        null);
                  }

                  @Override
                  public void marker(EntryPath path) throws IOException {
                    out.write(TarHeader.of(path, EntryType.FILE), InputStream.nullInputStream());
                    written++;
                  }
                })
            .write();
      } else {
        writeImplicitDirs(trie.root());
      }
    }

    /**
     * Gives every directory that no visible layer has an entry for an explicit one, in a stable
     * order.
     */
    private void writeImplicitDirs(Node start) throws IOException {
      Deque<Node> stack = new ArrayDeque<>();
      stack.push(start);
      while (!stack.isEmpty()) {
        Node n = stack.pop();
        if (n.state() == State.IMPLICIT_DIR) {
          TarHeader dir =
              TarHeader.of(n.path(), EntryType.DIRECTORY).withMtime(options.implicitDirMtime());
          write(n, dir, null);
        }
        // only directories need a visit (and sorting): leaves of the trie are files, except an
        // opaque directory whose older children were all hidden
        List<Node> children = new ArrayList<>();
        n.forEachChild(
            c -> {
              if (c.hasChildren() || c.state() == State.IMPLICIT_DIR) {
                children.add(c);
              }
            });
        children.sort(((Comparator<Node>) Node::compareNames).reversed());
        children.forEach(stack::push);
      }
    }

    private void warnAt(int atLayer, EntryPath path, String message) {
      warnings++;
      listener.warning(new MergeWarning(atLayer, path, message));
    }
  }
}
