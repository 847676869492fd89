package io.oci2squashfs.overlay;

import static io.oci2squashfs.overlay.PathTrie.NO_LAYER;

import io.oci2squashfs.overlay.PathTrie.Node;
import io.oci2squashfs.overlay.PathTrie.State;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Merges an image's layers into one filesystem, visiting them newest first, with the result that
 * applying them oldest first (OCI "Applying Changesets") would give; see
 * {@code docs/semantics.md} for every case, rule by rule.
 *
 * <p>An entry is written the first time it is seen unless a newer layer already decided its path
 * or hid it. Whiteouts of a layer take effect only after the whole layer is read, so they hide
 * older layers but never the layer's own entries. A hard link is written once its target has been
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

  /** A hard link waiting for its target to appear in an older layer. */
  private record PendingLink(TarHeader link, int asOfLayer, long asOfOrdinal) {}

  private final class Run {
    private final LayerSource layers;
    private MergeOutput out;
    /** Duplicates known from an earlier pass, or null when this pass must discover them. */
    private final DuplicateIndex known;
    private final DuplicateIndex found = new DuplicateIndex();
    /** Lower symlinks to follow, known from earlier merges; null when not following them. */
    private final SymlinkRedirects redirects;
    /** Lower symlinks this merge found newer entries below, to follow in the next one. */
    private SymlinkRedirects foundRedirects = SymlinkRedirects.none();
    /** Lower symlinks known to be suspects, and what this merge sees of them. */
    private final SymlinkSuspects knownSuspects;
    private final SymlinkSuspects.Watch watch;
    /** Lower symlinks this merge found hidden or replaced with something below them, for the next one to watch. */
    private SymlinkSuspects foundSuspects = SymlinkSuspects.none();
    private final PathTrie trie = new PathTrie();
    /** Hard links waiting for their target, by target; sorted, to find those below a path. */
    private final NavigableMap<EntryPath, List<PendingLink>> pendingByTarget = new TreeMap<>();
    private final Map<EntryPath, List<TarHeader>> waitingForWrite = new HashMap<>();
    /** Links whose target came only later in their own layer: used when no older target exists. */
    private final Map<EntryPath, EntryPath> sameLayerFallback = new HashMap<>();

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
      this.redirects = options.redirects();
      this.knownSuspects = options.suspects();
      this.watch = knownSuspects.watch();
    }

    MergeResult run() throws IOException {
      int count = layers.layerCount();
      for (layer = count - 1; layer >= 0; layer--) {
        current = new CurrentLayer(layer);
        listener.layerStarted(layer, count);
        try (LayerEntries entries = layers.open(layer)) {
          long ordinal = 0;
          for (TarHeader h = entries.next(); h != null; h = entries.next()) {
            if (ordinal == Integer.MAX_VALUE) { // the trie keeps positions in an int; a terabyte of headers
              throw new IOException("layer " + layer + " has more than " + Integer.MAX_VALUE + " entries");
            }
            process(h, ++ordinal, entries);
          }
        }
        replayLayer();
        endLayer();
        listener.layerFinished(layer, count);
      }
      finish();
      TarHeader rootHeader = root != null ? root
          : TarHeader.of(EntryPath.ROOT, EntryType.DIRECTORY).withMtime(options.implicitDirMtime());
      return new MergeResult(rootHeader, rootLayer, written, whiteouts, promoted, warnings, found, foundRedirects,
          foundSuspects);
    }

    private void process(TarHeader entry, long entryOrdinal, LayerEntries entries) throws IOException {
      ordinal = entryOrdinal;
      TarHeader h = resolved(entry, current.symlinks);
      EntryPath path = h.path();
      Whiteouts.Kind kind = Whiteouts.classify(path);
      // whiteouts and opaque markers go through it too, without a word: they add nothing
      String via = current.symlinks.takeNewlyFollowed(kind == Whiteouts.Kind.ENTRY);
      if (via != null) {
        // umoci and the runtimes follow it; GNU tar does for a plain relative link, but refuses
        // (leaves the link for last) when its target is absolute or holds '..'
        warn(entry.path(), "goes through " + EntryPath.of(via).display() + ", a symlink this layer made"
            + " earlier; put at " + h.path().display() + " (and so the names after it), as extracting in order does");
      }
      current.symlinks.saw(h);
      if (!watch.isEmpty()) {
        watch.record(layer, h, kind);
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
      if (known != null && undoneLaterInThisLayer(h)) {
        return;
      }
      if ((known == null || known.lastOrdinal(layer, path) == null) && repeatsInThisLayer(path)) {
        // the first entry is already written: finish this pass only to find every duplicate (a
        // later pass can find more, once skipped entries no longer hide others)
        found.add(layer, path, ordinal);
        if (h.type().isDirectory()) {
          foundRedirects = foundRedirects.without(layer, path); // a symlink it replaces leads nowhere
        } else {
          replacesOwnDirectory(path); // and what this layer put below it
        }
        out = MUTED;
      }
      boolean emitted = false;
      PathTrie.Lookup seen = trie.lookup(path, layer);
      Node at = seen.node();
      if (seen.hidden()) {
        if (seen.belowOwnNonDir()) {
          warn(path, "lies below " + seen.hider().path().display()
              + ", which this layer already made a non-directory; dropped");
        }
        if (!seen.hiderIsPath()) {
          seen.hider().hidEntryBelow();
        }
        keepVisibleParents(seen);
        suspectIfGoneThrough(h);
        skip(h, ordinal);
      } else if (at == null || at.state() == State.NONE) {
        if (at != null && (at.hasChildren() || at.opaqueLayer() != NO_LAYER)) {
          followLater(h, "whiteouts or opaque markers of newer layers"); // only markers lie below it
        } else if (redirects != null && h.type() == EntryType.SYMLINK && linksWaitBelow(h.path())) {
          followLater(h, "hard-link targets of newer layers");
        }
        emit(h, entries);
        emitted = true;
      } else if (at.state() == State.IMPLICIT_DIR) {
        if (h.type().isDirectory()) {
          at.state(State.EXPLICIT_DIR, layer, ordinal);
          write(at, h, null);
          emitted = true;
        } else if (madeByThisLayer(at)) {
          replacesOwnDirectory(path);
          current.replaced(at); // and it removed what older layers had there
          skip(h, ordinal);
        } else {
          if (!followLater(h, "entries in layer " + at.stateLayer + " that has no entry for the path itself")) {
            replacedByImplicitDir(h, at);
          }
          current.replaced(at);
          skip(h, ordinal);
        }
      } else {
        if (at.state() == State.EXPLICIT_DIR && !h.type().isDirectory()) {
          // a newer layer made it a directory again, but this non-directory still removed what
          // older layers had at and below the path, and what this layer's earlier entries put there
          if (setByThisLayerBelow(at)) {
            replacesOwnDirectory(path);
          }
          current.replaced(at);
        }
        if (at.stateLayer > layer) {
          suspectIfGoneThrough(h);
        }
        skip(h, ordinal);
      }
      if (!watch.isEmpty() && h.type() == EntryType.SYMLINK) {
        followIfGoneThrough(h); // last: what replaces this layer's own directories must not see it
      }
      resolvePending(h, emitted, entries);
    }

    /**
     * When following lower symlinks: {@code h} is a symlink that a newer layer hid or replaced. If
     * anything of newer layers lies below its path, some of it may have gone through the link
     * before that: a suspect, which the next merge watches ({@link SymlinkSuspects}).
     */
    private void suspectIfGoneThrough(TarHeader h) {
      if (redirects == null || h.type() != EntryType.SYMLINK || knownSuspects.contains(layer, h.path())
          || undoneLater(h.path())) {
        return;
      }
      EntryPath target = SymlinkRedirects.resolve(h.path(), h.symlinkTarget());
      if (target != null && (trie.anythingBelow(h.path()) || linksWaitBelow(h.path()))) {
        foundSuspects = foundSuspects.with(layer, h.path(), target);
        out = MUTED;
      }
    }

    /**
     * With the repeats of a previous pass known: whether a later entry of this layer replaces the
     * current one at {@code path} (so the link never outlived its layer).
     */
    private boolean undoneLater(EntryPath path) {
      if (known == null) {
        return false;
      }
      Long last = known.lastOrdinal(layer, path);
      return (last != null && ordinal < last) || known.replacedAfter(layer, path, ordinal) != null;
    }

    /**
     * A suspect's own symlink, once every newer layer was watched: when entries went through it
     * before a newer layer removed it, they are to be put through it in the next merge.
     */
    private void followIfGoneThrough(TarHeader h) {
      int until = watch.followedUntil(layer, h.path());
      if (until < 0 || redirects == null || redirects.contains(layer, h.path()) || undoneLater(h.path())) {
        return;
      }
      EntryPath target = SymlinkRedirects.resolve(h.path(), h.symlinkTarget());
      foundRedirects = foundRedirects.with(layer, h.path(), target, until);
      warn(h.path(), "entries of newer layers went through this symlink to " + displayRaw(h.symlinkTarget())
          + " before layer " + until + " removed or replaced it; they are put in " + target.display()
          + ", as applying the layers in order does");
      out = MUTED;
    }

    /**
     * With the repeats of a previous pass known: whether {@code h} is undone by a later entry of its
     * layer (at its path, or a non-directory at a directory above it), and so skipped.
     */
    private boolean undoneLaterInThisLayer(TarHeader h) {
      EntryPath path = h.path();
      Long undoneBy = known.replacedAfter(layer, path, ordinal);
      if (undoneBy != null) {
        current.undoneBy.add(undoneBy);
        skip(h, ordinal);
        return true;
      }
      if (current.undoneBy.contains(ordinal)) {
        warn(path, "replaces the directory that earlier entries of this layer made below it;"
            + " as tar would, the later entry wins and those entries are dropped");
      }
      Long last = known.lastOrdinal(layer, path);
      if (last != null && ordinal < last) {
        skip(h, ordinal); // links in between still see it
        if (!h.type().isDirectory()) {
          // but it did replace what older layers had at and below the path, even if the later
          // entry is a directory, and what this layer put below it before
          PathTrie.Lookup seen = trie.lookup(path, layer);
          if (!seen.hidden()) {
            current.replaced(seen.node() != null ? seen.node() : trie.findOrCreate(path));
          }
          Node n = trie.find(path);
          if (n != null && n.state() != State.NON_DIR && n.state() != State.NONE && madeByThisLayer(n)) {
            replacesOwnDirectory(path);
          }
        }
        return true;
      }
      if (last != null) {
        warn(path, "appears more than once in this layer; the last entry is kept");
      }
      return false;
    }

    /**
     * Tar order: the non-directory entry being processed replaces the directory at {@code path},
     * and with it what this layer's earlier entries put below it. Output already written cannot
     * show that, so this pass goes on only to learn, and the next skips those entries.
     */
    private void replacesOwnDirectory(EntryPath path) {
      found.addReplacedDirectory(layer, path, ordinal);
      foundRedirects = foundRedirects.withoutAtOrBelow(layer, path); // no way through any more
      out = MUTED;
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

    /** Whether this layer already had an entry at {@code path} that could matter. */
    private boolean repeatsInThisLayer(EntryPath path) {
      if (current.skippedAny(path)) {
        return true;
      }
      Node n = trie.find(path);
      return n != null && n.stateLayer == layer && (n.state() == State.NON_DIR || n.state() == State.EXPLICIT_DIR);
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

    /** Whether a hard link of a newer layer waits for a target below {@code dir}. */
    private boolean linksWaitBelow(EntryPath dir) {
      for (Map.Entry<EntryPath, List<PendingLink>> e
          : pendingByTarget.subMap(dir, false, EntryPath.of(dir.raw() + "0"), false).entrySet()) {
        if (e.getKey().startsWith(dir) && e.getValue().stream().anyMatch(l -> l.asOfLayer() > layer)) {
          return true;
        }
      }
      return false;
    }

    /**
     * When following lower symlinks: if {@code h} is a symlink that newer layers' entries or markers
     * lie {@code below} (none of them has an entry for the path itself), records where they belong
     * and stops this merge's output, which the next merge redoes with them there.
     */
    private boolean followLater(TarHeader h, String below) {
      if (redirects == null || h.type() != EntryType.SYMLINK) {
        return false;
      }
      EntryPath target = SymlinkRedirects.resolve(h.path(), h.symlinkTarget());
      if (target == null) {
        return false; // a link into itself: kept as a directory, with the warning
      }
      foundRedirects = foundRedirects.with(layer, h.path(), target);
      warn(h.path(), "this symlink to " + displayRaw(h.symlinkTarget()) + " is a parent of " + below
          + "; they are put in " + target.display() + ", through the link, as container runtimes do");
      out = MUTED;
      return true;
    }

    /** Whether the directory {@code dir} is made, or has something below it made, by the current layer's entries. */
    private boolean madeByThisLayer(Node dir) {
      return dir.stateLayer == layer || setByThisLayerBelow(dir);
    }

    /**
     * Whether an entry of the current layer made any path below {@code dir}, or is a symlink there
     * that newer layers' entries were to go through.
     */
    private boolean setByThisLayerBelow(Node dir) {
      if (foundRedirects.anyAtOrBelow(layer, dir.path())) {
        return true;
      }
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

    private void replacedByImplicitDir(TarHeader h, Node dir) {
      String what = h.type() == EntryType.SYMLINK
          ? "symlink to " + displayRaw(h.symlinkTarget())
          : h.type().toString().toLowerCase(Locale.ROOT);
      String rule = h.type() == EntryType.SYMLINK
          ? "; container runtimes would follow the link and put those entries in its target,"
              + " this output keeps a directory here (converting to a file, not a stream, follows the link)"
          : "; it is replaced by a directory (runtimes refuse such a layer)";
      warn(h.path(), "this " + what + " is a parent of entries in layer " + dir.stateLayer
          + " that has no entry for the path itself" + rule);
    }

    private String displayRaw(String raw) {
      return new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
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
        linkTo(h, h.hardLinkTarget(), true, ordinal);
      } else {
        node.state(State.NON_DIR, layer, ordinal);
        write(node, h, h.type() == EntryType.FILE ? entries.content() : null);
      }
    }

    private void skip(TarHeader h, long ordinal) {
      current.skip(h, ordinal);
    }

    /**
     * Resolves hard link {@code link} to {@code target} as the filesystem is when the current layer is applied.
     *
     * <p>A chain of this layer's hidden links is followed hop by hop, however long. It always ends:
     * each hop goes to an entry earlier in the tar than the one before, so tar order allows no cycle.
     *
     * @param atLink whether {@code target} is the link's own target, not a hop further down a chain
     * @param before only this layer's entries before this position count as the target (following a
     *     chain from an earlier entry, later ones had not been applied yet)
     */
    private void linkTo(TarHeader link, EntryPath target, boolean atLink, long before) throws IOException {
      // at the link only: further down a chain, the link's own path names an older entry, not itself
      if (atLink && target.equals(link.path())) {
        warn(link.path(), "hard link to itself (" + target.display() + "); dropped");
        return;
      }
      while (true) {
        Node t = trie.find(target);
        if (t != null && t.stateLayer == layer && t.state() != State.NONE && t.stateOrdinal() < before) {
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
          s = current.skippedBefore(target, before); // that entry came after the one this chain starts from
        }
        Long removed = s == null || known == null ? null : known.replacedAfter(layer, target, s.ordinal());
        if (removed != null && removed < before) {
          warn(link.path(), "hard-link target " + target.display() + " was removed earlier in this layer"
              + " (a later entry replaced a directory above it); dropped");
          return;
        }
        EntryPath copy = s == null ? null : current.promoted.get(new CurrentLayer.Entry(target, s.ordinal()));
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
            current.replays.computeIfAbsent(s.ordinal(), k -> new CurrentLayer.Replay(file, new ArrayList<>(1))).links().add(link);
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
          if (n != null && n.state() == State.NON_DIR && n.stateLayer == layer && n.stateOrdinal() < before) {
            warn(link.path(), "hard-link target " + target.display() + " was removed earlier in this layer"
                + " (" + a.display() + " became a non-directory); dropped");
            return;
          }
        }
        pendingByTarget.computeIfAbsent(target, k -> new ArrayList<>(1))
            .add(new PendingLink(link, layer, before));
        return;
      }
    }

    /** Writes {@code link} now if {@code target} (whose node is {@code t}) is written, else once it is. */
    private void linkOrWait(TarHeader link, EntryPath target, Node t) throws IOException {
      if (t.written()) {
        writeHardLink(link, target);
      } else {
        waitingForWrite.computeIfAbsent(target, k -> new ArrayList<>(1)).add(link);
      }
    }

    /** Settles the hard links of newer layers (or later in this one) that wait for the entry {@code e}. */
    private void resolvePending(TarHeader e, boolean emitted, LayerEntries entries) throws IOException {
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
          warn(link.path(), "hard-link target " + e.path().display() + " was removed by layer " + gone
              + " before this link's layer " + p.asOfLayer() + "; dropped");
        } else if (e.type().isDirectory()) {
          warn(link.path(), "hard link to directory " + e.path().display() + "; dropped");
        } else if (emitted) {
          linkTo(link, e.path(), true, ordinal + 1); // now in this layer and surviving: link or wait for it
        } else if (e.type() == EntryType.HARDLINK) {
          linkTo(link, e.hardLinkTarget(), false, ordinal);
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
    private void promote(List<TarHeader> links, TarHeader target, long targetOrdinal, InputStream content)
        throws IOException {
      TarHeader first = links.get(0);
      Node node = trie.find(first.path());
      InputStream data = content != null || target.type() != EntryType.FILE ? content : InputStream.nullInputStream();
      write(node, target.withPath(first.path()), data);
      promoted++;
      current.promoted.put(new CurrentLayer.Entry(target.path(), targetOrdinal), first.path());
      for (int i = 1; i < links.size(); i++) {
        writeHardLink(links.get(i), first.path());
      }
    }

    private void writeHardLink(TarHeader link, EntryPath target) throws IOException {
      write(trie.find(link.path()), link.asHardLinkTo(target), null);
    }

    /** Writes one entry, then every hard link that was waiting for it. */
    private void write(Node node, TarHeader h, InputStream content) throws IOException {
      out.write(h, content);
      node.markWritten();
      written++;
      Deque<EntryPath> done = new ArrayDeque<>();
      done.add(h.path());
      while (!done.isEmpty()) {
        EntryPath target = done.poll();
        List<TarHeader> links = waitingForWrite.remove(target);
        if (links == null) {
          continue;
        }
        for (TarHeader link : links) {
          out.write(link.asHardLinkTo(target), null);
          trie.find(link.path()).markWritten();
          written++;
          done.add(link.path());
        }
      }
    }

    /** Reads the current layer again for the content of skipped entries that surviving hard links need. */
    private void replayLayer() throws IOException {
      if (current.replays.isEmpty()) {
        return;
      }
      try (LayerEntries again = layers.open(layer)) {
        long ordinal = 0;
        int left = current.replays.size();
        OwnLayerSymlinks symlinks = new OwnLayerSymlinks(); // names resolve as they did the first time
        for (TarHeader raw = again.next(); raw != null && left > 0; raw = again.next()) {
          TarHeader h = resolved(raw, symlinks);
          symlinks.saw(h);
          CurrentLayer.Replay r = current.replays.get(++ordinal);
          if (r == null) {
            continue;
          }
          if (!h.path().equals(r.target()) || h.type() != EntryType.FILE || h.size() == 0) {
            throw new IOException("layer " + layer + " read differently the second time: entry #"
                + ordinal + " was the file " + r.target().display() + ", now " + h.path().display());
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
     * Entry {@code raw} of the current layer as extracting the layers in order would place it: its
     * name (and a hard link's target) resolved through the lower symlinks known to lead elsewhere
     * and through the symlinks {@code own} that this layer's earlier entries made, until neither
     * applies.
     */
    private TarHeader resolved(TarHeader raw, OwnLayerSymlinks own) {
      TarHeader h = raw;
      for (int hop = 0; hop < SymlinkRedirects.MAX_HOPS; hop++) {
        TarHeader next = own.apply(redirects == null ? h : redirects.apply(layer, h));
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
      List<PendingLink> unresolved = new ArrayList<>();
      List<EntryPath> unresolvedTargets = new ArrayList<>(); // at the end of a chain of links
      pendingByTarget.forEach((target, links) -> {
        unresolved.addAll(links);
        links.forEach(l -> unresolvedTargets.add(target));
      });
      pendingByTarget.clear();
      for (int i = 0; i < unresolved.size(); i++) {
        PendingLink p = unresolved.get(i);
        EntryPath fallback = sameLayerFallback.get(p.link().path());
        if (options.asLayer() != null) {
          linkToLower(p, unresolvedTargets.get(i), fallback != null);
        } else if (fallback != null) {
          // a link listed before its target in one layer, with no older target: link it anyway
          linkOrWait(p.link(), fallback, trie.find(fallback));
        } else {
          warnAt(p.asOfLayer(), p.link().path(), "hard-link target "
              + p.link().hardLinkTarget().display() + " does not exist in this or any older layer; dropped");
        }
      }
      for (Map.Entry<EntryPath, List<TarHeader>> e : waitingForWrite.entrySet()) {
        for (TarHeader link : e.getValue()) {
          Node n = trie.find(link.path()); // the link's own layer decided its path
          int layer = n == null || n.stateLayer == PathTrie.NO_LAYER ? -1 : n.stateLayer;
          warnAt(layer, link.path(), "hard-link target " + e.getKey().display()
              + " was itself a link that could not be resolved; dropped");
        }
      }
      waitingForWrite.clear();
      if (options.asLayer() != null) {
        new LowerMarkers(trie, options.asLayer(), new LowerMarkers.Writer() {
          @Override
          public void impliedDirectory(Node n) throws IOException {
            write(n, TarHeader.of(n.path(), EntryType.DIRECTORY).withMtime(options.implicitDirMtime()), null);
          }

          @Override
          public void marker(EntryPath path) throws IOException {
            out.write(TarHeader.of(path, EntryType.FILE), InputStream.nullInputStream());
            written++;
          }
        }).write();
      } else {
        writeImplicitDirs(trie.root());
      }
    }

    /**
     * Layer mode: a hard link whose target no merged layer had at or below the link's layer names
     * the lower layers' path; see {@link LayerMode}.
     */
    private void linkToLower(PendingLink p, EntryPath target, boolean laterInOwnLayer) throws IOException {
      TarHeader link = p.link();
      int gone = trie.goneBetween(target, layer, p.asOfLayer(), p.asOfOrdinal());
      if (gone != NO_LAYER) {
        warnAt(p.asOfLayer(), link.path(), "hard-link target " + target.display() + " was removed by layer "
            + gone + " before this link's layer; dropped");
      } else if (laterInOwnLayer || trie.touched(target)) {
        throw new UnsquashableLinkException(p.asOfLayer(), link.path(), target);
      } else {
        write(trie.find(link.path()), link.asHardLinkTo(target), null);
      }
    }

    /** Gives every directory that no visible layer has an entry for an explicit one, in a stable order. */
    private void writeImplicitDirs(Node start) throws IOException {
      Deque<Node> stack = new ArrayDeque<>();
      stack.push(start);
      while (!stack.isEmpty()) {
        Node n = stack.pop();
        if (n.state() == State.IMPLICIT_DIR) {
          TarHeader dir = TarHeader.of(n.path(), EntryType.DIRECTORY)
              .withMtime(options.implicitDirMtime());
          write(n, dir, null);
        }
        // only directories need a visit (and sorting): leaves of the trie are files, except an
        // opaque directory whose older children were all hidden
        List<Node> children = new ArrayList<>();
        n.forEachChild(c -> {
          if (c.hasChildren() || c.state() == State.IMPLICIT_DIR) {
            children.add(c);
          }
        });
        children.sort(((Comparator<Node>) Node::compareNames).reversed());
        children.forEach(stack::push);
      }
    }

    private void warn(EntryPath path, String message) {
      warnAt(layer, path, message);
    }

    private void warnAt(int atLayer, EntryPath path, String message) {
      warnings++;
      listener.warning(new MergeWarning(atLayer, path, message));
    }
  }
}
