package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import java.nio.charset.StandardCharsets;

/**
 * What one merge pass knows and learns of lower symlinks that newer names go through ({@code
 * docs/semantics.md}, "Names through symlinks" and "A symlink removed after entries went through
 * it"): the redirects and suspects earlier passes found, which it applies and watches, and those it
 * finds itself, for the next pass. Finding one means this pass's output is wrong and is muted
 * ({@link Pass#mute}). Made afresh for each pass; with no redirects given it follows nothing.
 */
final class LowerSymlinkTracker {
  /** What the tracker needs of the pass in progress. */
  interface Pass {
    /** The layer being read. */
    int layer();

    /** The position of the entry being processed in it. */
    long ordinal();

    /** Paths repeated within a layer, from an earlier pass; null when not known. */
    DuplicateIndex known();

    void warn(EntryPath path, String message);

    /** This pass will be redone: its output need not be written any more. */
    void mute();
  }

  private final Pass pass;
  private final PathTrie trie;
  private final HardLinks hardLinks;
  private final LinkedSymlinkFinder linkedSymlinks;

  /** Lower symlinks to follow, known from earlier passes; null when not following them. */
  private final SymlinkRedirects redirects;

  /** Lower symlinks this pass found newer entries below, to follow in the next one. */
  private SymlinkRedirects found = SymlinkRedirects.none();

  /** Those of {@link #redirects} whose symlink this pass met again where they were learnt. */
  private SymlinkRedirects kept = SymlinkRedirects.none();

  /** Lower symlinks known to be suspects, and what this pass sees of them. */
  private final SymlinkSuspects knownSuspects;

  private final SymlinkSuspects.Watch watch;

  /**
   * Lower symlinks this pass found hidden or replaced with something below them, for the next one
   * to watch.
   */
  private SymlinkSuspects foundSuspects = SymlinkSuspects.none();

  LowerSymlinkTracker(
      Pass pass,
      PathTrie trie,
      HardLinks hardLinks,
      LinkedSymlinkFinder linkedSymlinks,
      MergeOptions options) {
    this.pass = pass;
    this.trie = trie;
    this.hardLinks = hardLinks;
    this.linkedSymlinks = linkedSymlinks;
    this.redirects = options.redirects();
    this.knownSuspects = options.suspects();
    this.watch = knownSuspects.watch();
  }

  /** Whether this pass follows lower symlinks at all. */
  boolean following() {
    return redirects != null;
  }

  /**
   * The redirects this pass found, and those it was given but did not meet again (C17), dropped,
   * for {@link MergeResult#redirects()}.
   */
  SymlinkRedirects found() {
    return redirects == null ? found : found.dropping(redirects, kept);
  }

  /** The suspects this pass found, for {@link MergeResult#suspects()}. */
  SymlinkSuspects foundSuspects() {
    return foundSuspects;
  }

  /** {@code h} of layer {@code layer} with its names through the known lower symlinks. */
  TarHeader apply(int layer, TarHeader h) {
    return redirects == null ? h : redirects.apply(layer, h);
  }

  /** Whether suspects from an earlier pass are watched. */
  boolean watching() {
    return !watch.isEmpty();
  }

  /** Takes note of entry {@code h} of the current layer, of kind {@code kind}, for the suspects. */
  void record(TarHeader h, Whiteouts.Kind kind) {
    watch.record(pass.layer(), h, kind);
  }

  /**
   * The current layer's symlink at {@code link} is replaced by its own directory: no way through.
   */
  void forget(EntryPath link) {
    found = found.without(pass.layer(), link);
    kept = kept.without(pass.layer(), link);
  }

  /** A non-directory of the current layer removes its own symlinks at or below {@code path}. */
  void forgetAtOrBelow(EntryPath path) {
    found = found.withoutAtOrBelow(pass.layer(), path);
    kept = kept.withoutAtOrBelow(pass.layer(), path);
  }

  /**
   * {@code h}, an entry of the current layer with its names resolved, that its layer does not undo
   * later as far as this pass knows: when it is the symlink of a known redirect, at the path and
   * with the target the redirect was learnt with, the redirect still holds. A known redirect that
   * no entry keeps was learnt under a name that has moved since (through an older link learnt of
   * later) or for a link its own layer removes: {@link #found()} drops it, and the next pass runs
   * without it (C17).
   */
  void keepIfMet(TarHeader h) {
    int layer = pass.layer();
    if (redirects == null
        || redirects.isEmpty()
        || h.type() != EntryType.SYMLINK
        || !redirects.contains(layer, h.path())) {
      return;
    }
    EntryPath target = SymlinkRedirects.resolve(h.path(), h.symlinkTarget());
    kept = redirects.keep(layer, h.path(), target, kept);
  }

  /** Whether this pass found a symlink of the current layer at or below {@code path}. */
  boolean foundAtOrBelow(EntryPath path) {
    return found.anyAtOrBelow(pass.layer(), path);
  }

  /**
   * When following lower symlinks: whether {@code h} is a symlink that hard links of newer layers
   * wait for a target below.
   */
  boolean awaitedBelow(TarHeader h) {
    return redirects != null
        && h.type() == EntryType.SYMLINK
        && awaitedBelow(h.path(), pass.layer());
  }

  /**
   * Whether hard links of layers newer than {@code layer}, or the search for what they name ({@link
   * LinkedSymlinkFinder}), wait for a target below {@code dir}.
   */
  private boolean awaitedBelow(EntryPath dir, int layer) {
    return hardLinks.awaitedBelow(dir, layer) || linkedSymlinks.awaitedBelow(dir, layer);
  }

  /**
   * When following lower symlinks: if {@code h} is a symlink that newer layers' entries or markers
   * lie {@code below} (none of them has an entry for the path itself), records where they belong
   * and mutes this pass, which the next redoes with them there.
   */
  boolean followLater(TarHeader h, String below) {
    if (redirects == null || h.type() != EntryType.SYMLINK) {
      return false;
    }
    EntryPath target = SymlinkRedirects.resolve(h.path(), h.symlinkTarget());
    if (target == null || redirects.dropped(pass.layer(), h.path(), target)) {
      return false; // a link into itself, or one known not to hold: kept as a directory
    }
    found = found.with(pass.layer(), h.path(), target);
    pass.warn(
        h.path(),
        "this symlink to "
            + displayRaw(h.symlinkTarget())
            + " is a parent of "
            + below
            + "; they are put in "
            + target.display()
            + ", through the link, as container runtimes do");
    pass.mute();
    return true;
  }

  /**
   * When following lower symlinks: {@code h} is a symlink that a newer layer hid or replaced. If
   * anything of newer layers lies below its path, some of it may have gone through the link before
   * that: a suspect, which the next pass watches ({@link SymlinkSuspects}).
   */
  void suspectIfGoneThrough(TarHeader h) {
    int layer = pass.layer();
    if (redirects == null
        || h.type() != EntryType.SYMLINK
        || knownSuspects.contains(layer, h.path())
        || undoneLater(h.path())) {
      return;
    }
    EntryPath target = SymlinkRedirects.resolve(h.path(), h.symlinkTarget());
    if (target != null && (trie.anythingBelow(h.path()) || awaitedBelow(h.path(), layer))) {
      foundSuspects = foundSuspects.with(layer, h.path(), target);
      pass.mute();
    }
  }

  /**
   * A suspect's own symlink, once every newer layer was watched: when entries went through it
   * before a newer layer removed it, they are to be put through it in the next pass.
   */
  void followIfGoneThrough(TarHeader h) {
    int layer = pass.layer();
    int until = watch.followedUntil(layer, h.path());
    if (until < 0
        || redirects == null
        || redirects.contains(layer, h.path())
        || undoneLater(h.path())) {
      return;
    }
    EntryPath target = SymlinkRedirects.resolve(h.path(), h.symlinkTarget());
    if (redirects.dropped(layer, h.path(), target)) {
      return; // a pass that knew more found it does not hold
    }
    found = found.with(layer, h.path(), target, until);
    pass.warn(
        h.path(),
        "entries of newer layers went through this symlink to "
            + displayRaw(h.symlinkTarget())
            + " before layer "
            + until
            + " removed or replaced it; they are put in "
            + target.display()
            + ", as applying the layers in order does");
    pass.mute();
  }

  /**
   * With the repeats of a previous pass known: whether a later entry of this layer replaces the
   * current one at {@code path} (so the link never outlived its layer).
   */
  private boolean undoneLater(EntryPath path) {
    DuplicateIndex known = pass.known();
    if (known == null) {
      return false;
    }
    int layer = pass.layer();
    long ordinal = pass.ordinal();
    Long last = known.lastOrdinal(layer, path);
    return (last != null && ordinal < last) || known.replacedAfter(layer, path, ordinal) != null;
  }

  /** A symlink's raw target, its bytes read as UTF-8, for messages. */
  static String displayRaw(String raw) {
    return new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
