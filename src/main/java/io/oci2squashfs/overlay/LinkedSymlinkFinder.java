package io.oci2squashfs.overlay;

import static io.oci2squashfs.overlay.PathTrie.NO_LAYER;

import io.oci2squashfs.overlay.PathTrie.Node;
import io.oci2squashfs.overlay.PathTrie.State;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds, in a pass that follows lower symlinks, the hard links that name a symlink and have names
 * below them ({@link LinkedSymlinks}, rule S11): a hard link with something of newer layers below
 * its path when the pass meets it, or one that later names of its own layer go below. For each it
 * follows what the link names, as {@link HardLinks} does for the links it writes, but writes
 * nothing: to an earlier entry of the link's layer, or (waiting as the pass reads on) to what the
 * older layers left, and down chains of links. What it finds is the next pass's to use.
 *
 * <p>Hard links below which nothing goes cost nothing here, whatever they name.
 */
final class LinkedSymlinkFinder {
  /** What the finder needs of the pass in progress. */
  interface Pass {
    /** The layer being read. */
    int layer();

    /** The position of the entry being processed in it. */
    long ordinal();

    CurrentLayer current();

    /** Paths repeated within a layer, from an earlier pass; null when not known. */
    DuplicateIndex known();

    void warn(int layer, EntryPath path, String message);
  }

  /** A hard link whose meaning is sought: entry {@code ordinal} of {@code layer}. */
  private record Probe(int layer, long ordinal, EntryPath link, EntryPath target) {}

  /** A probe waiting for an older layer's entry at its target, as of a layer and position. */
  private record Waiting(Probe probe, int asOfLayer, long asOfOrdinal) {}

  private final Pass pass;
  private final PathTrie trie;
  private final HardLinks hardLinks;

  /** Whether the pass follows lower symlinks: only then is anything sought. */
  private final boolean following;

  /** Those known from the last pass ({@link MergeOptions#linkedSymlinks()}). */
  private final LinkedSymlinks known;

  /** Probes waiting for their target, by target; sorted, to find those below a path. */
  private final NavigableMap<EntryPath, List<Waiting>> waiting = new TreeMap<>();

  /**
   * Probes that came only before a symlink at their target in their own layer: it is what they name
   * when no older layer has the target (as {@link HardLinks} links them; see C7).
   */
  private final Map<Probe, String> sameLayerFallback = new HashMap<>();

  /** Positions of the current layer's hard links already probed. */
  private final Set<Long> probedThisLayer = new HashSet<>();

  private int probedLayer = -1;

  private LinkedSymlinks found = LinkedSymlinks.none();

  /**
   * Warnings about a sought hard link that hold only if it names no symlink, by probe: said at the
   * end of the pass if the search found none.
   */
  private final Map<Long, List<MergeWarning>> unlessSymlink = new HashMap<>();

  LinkedSymlinkFinder(Pass pass, PathTrie trie, HardLinks hardLinks, MergeOptions options) {
    this.pass = pass;
    this.trie = trie;
    this.hardLinks = hardLinks;
    this.following = options.redirects() != null;
    this.known = options.linkedSymlinks();
  }

  /**
   * When {@code h}, entry {@code ordinal} of the current layer, is a hard link known to name a
   * symlink: that symlink's raw target; else null.
   */
  String knownTarget(TarHeader h, long ordinal) {
    return h.type() != EntryType.HARDLINK
        ? null
        : known.symlinkTarget(pass.layer(), ordinal, h.path(), h.hardLinkTarget());
  }

  /**
   * Hard link {@code h}, the current entry, as the symlink it names ({@code symlinkTarget}, null
   * when not known to name one); and the search for what it names when that matters: when names lie
   * below its path, or it is known to name one and must be found to still.
   */
  TarHeader asSymlink(TarHeader h, String symlinkTarget, String knownTarget) {
    if (knownTarget != null || (symlinkTarget == null && anythingBelow(h.path()))) {
      probe(h.path(), h.hardLinkTarget(), pass.ordinal());
    }
    return symlinkTarget == null
        ? h
        : TarHeader.of(h.path(), EntryType.SYMLINK).withSymlinkTarget(symlinkTarget);
  }

  /**
   * Whether newer layers' entries, markers or hard-link targets lie below {@code path} (or this
   * layer's earlier entries), so that a symlink there would matter.
   */
  private boolean anythingBelow(EntryPath path) {
    if (!following) {
      return false;
    }
    Node n = trie.find(path);
    int layer = pass.layer();
    return (n != null && (n.hasChildren() || n.hidEntriesBelow() || n.opaqueLayer() != NO_LAYER))
        || hardLinks.awaitedBelow(path, layer)
        || awaitedBelow(path, layer);
  }

  /**
   * Whether the search for what the current layer's hard link at {@code ordinal} names is on: a
   * warning that it is no symlink must wait for its end ({@link #warnUnlessSymlink}).
   */
  boolean seeking(long ordinal) {
    return probedLayer == pass.layer() && probedThisLayer.contains(ordinal);
  }

  /**
   * Says {@code message} about {@code path} at the end of the pass, unless the current layer's hard
   * link at {@code ordinal}, being sought, turns out to name a symlink.
   */
  void warnUnlessSymlink(long ordinal, EntryPath path, String message) {
    unlessSymlink
        .computeIfAbsent(LinkedSymlinks.key(pass.layer(), ordinal), k -> new ArrayList<>(1))
        .add(new MergeWarning(pass.layer(), path, message));
  }

  /**
   * At the end of the pass: the hard links to take for symlinks in the next one, or null when they
   * are those known. Only a pass that found no new repeat ({@code trusted}) can tell: what a link
   * names may be a repeated entry.
   */
  LinkedSymlinks next(boolean trusted) {
    finish();
    unlessSymlink.forEach(
        (key, warnings) -> {
          if (!found.contains(key)) {
            warnings.forEach(w -> pass.warn(w.layer(), w.entry(), w.message()));
          }
        });
    LinkedSymlinks next = trusted ? found : known;
    return next.addsTo(known) || known.addsTo(next) ? next : null;
  }

  /** Whether a probe of a layer newer than {@code layer} waits for a target below {@code dir}. */
  boolean awaitedBelow(EntryPath dir, int layer) {
    if (waiting.isEmpty()) {
      return false;
    }
    for (Map.Entry<EntryPath, List<Waiting>> e :
        waiting.subMap(dir, false, EntryPath.of(dir.raw() + "0"), false).entrySet()) {
      if (e.getKey().startsWith(dir)
          && e.getValue().stream().anyMatch(w -> w.asOfLayer() > layer)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Seeks what hard link {@code link} of the current layer, at position {@code ordinal}, names
   * (once per entry).
   */
  void probe(EntryPath link, EntryPath target, long ordinal) {
    int layer = pass.layer();
    if (probedLayer != layer) {
      probedLayer = layer;
      probedThisLayer.clear();
    }
    if (probedThisLayer.add(ordinal)) {
      resolve(new Probe(layer, ordinal, link, target), target, true, ordinal);
    }
  }

  /**
   * Follows {@code probe} to {@code target} as the current layer's entries before position {@code
   * before} and the older layers leave it: the mirror of {@link HardLinks#link}, which says why
   * each step is right.
   */
  private void resolve(Probe probe, EntryPath target, boolean atLink, long before) {
    int layer = pass.layer();
    CurrentLayer current = pass.current();
    DuplicateIndex known = pass.known();
    if (atLink && target.equals(probe.link())) {
      return; // a link to itself names nothing
    }
    while (true) {
      Node t = trie.find(target);
      if (t != null
          && t.stateLayer == layer
          && t.state() != State.NONE
          && t.stateOrdinal() < before) {
        OwnLayerSymlinks.Link own = t.state() == State.NON_DIR ? current.symlinks.at(target) : null;
        if (own == null || own.ordinal() != t.stateOrdinal()) {
          return; // a directory, file, device or FIFO of this layer
        }
        if (own.symlinkTarget() != null) {
          named(probe, own.symlinkTarget());
          return;
        }
        target = own.hardLinkTarget(); // a hard link of this layer: what it named
        before = own.ordinal();
        continue;
      }
      CurrentLayer.Skipped s = current.skippedAt(target);
      if (s != null && s.ordinal() >= before) {
        s = current.skippedBefore(target, before);
      }
      Long removed =
          s == null || known == null ? null : known.replacedAfter(layer, target, s.ordinal());
      if (removed != null && removed < before) {
        return;
      }
      if (s != null) {
        TarHeader th = s.header();
        if (th != null && th.type() == EntryType.SYMLINK) {
          named(probe, th.symlinkTarget());
        } else if (th != null && th.type() == EntryType.HARDLINK) {
          target = th.hardLinkTarget();
          before = s.ordinal();
          continue;
        }
        return;
      }
      for (EntryPath a = target.parent(); a != null && !a.isRoot(); a = a.parent()) {
        Node n = trie.find(a);
        if (n != null
            && n.state() == State.NON_DIR
            && n.stateLayer == layer
            && n.stateOrdinal() < before) {
          return; // removed earlier in this layer
        }
      }
      waiting
          .computeIfAbsent(target, k -> new ArrayList<>(1))
          .add(new Waiting(probe, layer, before));
      return;
    }
  }

  /**
   * Entry {@code e} of the current layer, which the pass has just {@code emitted} or not: settles
   * the probes waiting for it, as {@link HardLinks#settle} settles links.
   */
  void settle(TarHeader e, boolean emitted) {
    if (waiting.isEmpty()) {
      return;
    }
    List<Waiting> here = waiting.remove(e.path());
    if (here == null) {
      return;
    }
    int layer = pass.layer();
    List<Waiting> still = new ArrayList<>();
    for (Waiting w : here) {
      Probe probe = w.probe();
      if (w.asOfLayer() == layer) {
        // later in the probe's own tar: it names what was there before, unless nothing was
        if (emitted && !e.type().isDirectory() && !e.path().equals(probe.link())) {
          sameLayerFallback.put(probe, e.type() == EntryType.SYMLINK ? e.symlinkTarget() : "");
        }
        still.add(w);
      } else if (trie.goneBetween(e.path(), layer, w.asOfLayer(), w.asOfOrdinal()) != NO_LAYER
          || e.type().isDirectory()) {
        // removed before the link's time, or a directory: names no symlink
      } else if (e.type() == EntryType.SYMLINK) {
        named(probe, e.symlinkTarget());
      } else if (e.type() == EntryType.HARDLINK) {
        resolve(probe, e.hardLinkTarget(), false, pass.ordinal());
      }
    }
    if (!still.isEmpty()) {
      waiting.computeIfAbsent(e.path(), k -> new ArrayList<>(1)).addAll(still);
    }
  }

  /** Probes whose target came only later in their own layer. */
  private void finish() {
    for (List<Waiting> ws : waiting.values()) {
      for (Waiting w : ws) {
        String fallback = sameLayerFallback.get(w.probe());
        if (fallback != null && !fallback.isEmpty()) {
          named(w.probe(), fallback);
        }
      }
    }
    waiting.clear();
  }

  private void named(Probe probe, String symlinkTarget) {
    found =
        found.with(
            new LinkedSymlinks.Linked(
                probe.layer(), probe.ordinal(), probe.link(), probe.target(), symlinkTarget));
  }
}
