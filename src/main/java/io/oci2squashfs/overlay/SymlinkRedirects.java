package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.InvalidEntryPathException;
import io.oci2squashfs.tar.TarHeader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Symlinks of lower layers that newer layers' entries go through: the doc's row for {@code P/child}
 * over a lower symlink {@code P} when the newer layer has no entry for {@code P} itself (the
 * usrmerge {@code lib -> usr/lib} case). Container runtimes resolve an entry's parent directories
 * through the symlinks already in the filesystem, so {@code lib/x.so} lands in {@code usr/lib/x.so}
 * and {@code lib} stays a symlink.
 *
 * <p>A newest-first merge meets the symlink only after it has written the newer entries, so a merge
 * that finds such a symlink reports it ({@link MergeResult#redirects()}) and is run again with all
 * known redirects, which it applies to every entry of the layers above the symlink's: to entry
 * paths, whiteouts and hard-link targets alike, up to the layer that removed or replaced the link
 * (whose entries, and those of all newer layers, stay where they are named). A redirect's target
 * may itself go through another lower symlink; the next merge finds that one. The rules are in
 * {@code docs/semantics.md}, "Names through symlinks".
 *
 * <p>A redirect holds only while each pass still meets its symlink, surviving its layer, at the
 * path and with the target it was learnt with: a later pass may put the link's name elsewhere
 * (through an older link it learnt of since) or know that its own layer removes it (a repeat). A
 * pass that does not meet it again drops it for good ({@link #dropsAny()}), and the next runs
 * without it.
 */
public final class SymlinkRedirects {
  /** As Linux's limit on symlinks followed in one lookup. */
  static final int MAX_HOPS = 40;

  /**
   * Entries of the layers above {@code linkLayer} and below {@code untilLayer} under {@code link/}
   * go under {@code target/}. {@code untilLayer} is the first newer layer that removed or replaced
   * the link ({@link PathTrie#NO_LAYER} when none did): see {@link SymlinkSuspects}.
   */
  record Redirect(int linkLayer, EntryPath link, EntryPath target, int untilLayer) {
    boolean appliesTo(int layer) {
      return layer > linkLayer && layer < untilLayer;
    }
  }

  private static final SymlinkRedirects NONE = new SymlinkRedirects(List.of(), List.of());

  private final List<Redirect> redirects;

  /** Redirects a pass found no longer hold: never followed or found again. */
  private final List<Redirect> dropped;

  private SymlinkRedirects(List<Redirect> redirects, List<Redirect> dropped) {
    this.redirects = redirects;
    this.dropped = dropped;
  }

  /** No redirects known yet: a merge given this follows lower symlinks, finding them as it goes. */
  public static SymlinkRedirects none() {
    return NONE;
  }

  /** Whether there are none to follow (some may be dropped: {@link #dropsAny()}). */
  public boolean isEmpty() {
    return redirects.isEmpty();
  }

  public int size() {
    return redirects.size();
  }

  /** Whether these drop any redirect an earlier pass followed. */
  public boolean dropsAny() {
    return !dropped.isEmpty();
  }

  /** How many these drop. */
  public int droppedSize() {
    return dropped.size();
  }

  /** These redirects and {@code more}, but none that either drops. */
  public SymlinkRedirects plus(SymlinkRedirects more) {
    List<Redirect> gone = union(dropped, more.dropped);
    List<Redirect> all = union(redirects, more.redirects);
    all.removeAll(gone);
    return new SymlinkRedirects(
        Collections.unmodifiableList(all), Collections.unmodifiableList(gone));
  }

  private static List<Redirect> union(List<Redirect> a, List<Redirect> b) {
    List<Redirect> all = new ArrayList<>(a);
    for (Redirect r : b) {
      if (!all.contains(r)) {
        all.add(r);
      }
    }
    return all;
  }

  /** These, dropping those of {@code given} that {@code kept} does not hold. */
  SymlinkRedirects dropping(SymlinkRedirects given, SymlinkRedirects kept) {
    List<Redirect> stale = new ArrayList<>(given.redirects);
    stale.removeAll(kept.redirects);
    return stale.isEmpty()
        ? this
        : plus(new SymlinkRedirects(List.of(), Collections.unmodifiableList(stale)));
  }

  /**
   * Those of these for the symlink of {@code linkLayer} at {@code link} leading to {@code target}
   * (whatever layer removes it), added to {@code to}.
   */
  SymlinkRedirects keep(int linkLayer, EntryPath link, EntryPath target, SymlinkRedirects to) {
    SymlinkRedirects kept = to;
    for (Redirect r : redirects) {
      if (r.linkLayer() == linkLayer && r.link().equals(link) && r.target().equals(target)) {
        kept = kept.plus(new SymlinkRedirects(List.of(r), List.of()));
      }
    }
    return kept;
  }

  /**
   * Whether a redirect for the symlink of {@code linkLayer} at {@code link} to {@code target} was
   * dropped.
   */
  boolean dropped(int linkLayer, EntryPath link, EntryPath target) {
    for (Redirect r : dropped) {
      if (r.linkLayer() == linkLayer && r.link().equals(link) && r.target().equals(target)) {
        return true;
      }
    }
    return false;
  }

  /** Records one that no newer layer removed; for the merge that finds it. */
  SymlinkRedirects with(int linkLayer, EntryPath link, EntryPath target) {
    return with(linkLayer, link, target, PathTrie.NO_LAYER);
  }

  /** Records one that layer {@code untilLayer} removed or replaced; for the merge that finds it. */
  SymlinkRedirects with(int linkLayer, EntryPath link, EntryPath target, int untilLayer) {
    return plus(
        new SymlinkRedirects(
            List.of(new Redirect(linkLayer, link, target, untilLayer)), List.of()));
  }

  /** These redirects but the one for the symlink at {@code link} in {@code linkLayer}, if any. */
  SymlinkRedirects without(int linkLayer, EntryPath link) {
    return without(r -> r.linkLayer() == linkLayer && r.link().equals(link));
  }

  /** These redirects but those for symlinks of {@code linkLayer} at or below {@code path}. */
  SymlinkRedirects withoutAtOrBelow(int linkLayer, EntryPath path) {
    return without(r -> r.linkLayer() == linkLayer && r.link().startsWith(path));
  }

  /** Whether the symlink at {@code link} in {@code linkLayer} is one of these. */
  boolean contains(int linkLayer, EntryPath link) {
    for (Redirect r : redirects) { // a loop: asked of every symlink entry while following
      if (r.linkLayer() == linkLayer && r.link().equals(link)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a symlink of {@code linkLayer} at or below {@code path} is one of these. */
  boolean anyAtOrBelow(int linkLayer, EntryPath path) {
    for (Redirect r : redirects) { // a loop: asked of every hidden non-directory while following
      if (r.linkLayer() == linkLayer && r.link().startsWith(path)) {
        return true;
      }
    }
    return false;
  }

  private SymlinkRedirects without(Predicate<Redirect> gone) {
    if (redirects.isEmpty()) {
      return this;
    }
    List<Redirect> rest = new ArrayList<>(redirects);
    rest.removeIf(gone);
    return rest.size() == redirects.size()
        ? this
        : new SymlinkRedirects(Collections.unmodifiableList(rest), dropped);
  }

  /**
   * Where the symlink at {@code link} with target {@code rawTarget} leads, inside the image: an
   * absolute target from the root, a relative one from the link's directory, {@code ..} never above
   * the root (as runtimes scope it). Null when the target is the link itself or below it, which
   * would never end, or when it is no name a directory could have (a component longer than
   * NAME_MAX, say): a target is data, stored whatever it holds, but nothing can go through it.
   */
  static EntryPath resolve(EntryPath link, String rawTarget) {
    List<String> parts = new ArrayList<>();
    if (!rawTarget.startsWith("/")) {
      parts.addAll(link.parent().components());
    }
    for (String c : rawTarget.split("/")) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
      } else {
        parts.add(c);
      }
    }
    EntryPath target;
    try {
      target = parts.isEmpty() ? EntryPath.ROOT : EntryPath.of(String.join("/", parts));
    } catch (InvalidEntryPathException e) {
      return null;
    }
    return target.startsWith(link) ? null : target;
  }

  /** {@code h} as layer {@code layer} applies it: its path and hard-link target redirected. */
  TarHeader apply(int layer, TarHeader h) {
    return redirects.isEmpty() ? h : withNames(h, p -> apply(layer, p));
  }

  /**
   * {@code h} with its path and a hard link's target mapped by {@code f}; {@code h} itself if
   * neither changes.
   */
  static TarHeader withNames(TarHeader h, UnaryOperator<EntryPath> f) {
    EntryPath path = f.apply(h.path());
    TarHeader out = path.equals(h.path()) ? h : h.withPath(path);
    if (h.type() == EntryType.HARDLINK) {
      EntryPath target = f.apply(h.hardLinkTarget());
      if (!target.equals(h.hardLinkTarget())) {
        out = out.asHardLinkTo(target);
      }
    }
    return out;
  }

  /** {@code path} as layer {@code layer} sees it, leftmost symlink first. */
  EntryPath apply(int layer, EntryPath path) {
    for (int hop = 0; hop < MAX_HOPS; hop++) {
      Redirect best = null;
      for (Redirect r : redirects) {
        if (r.appliesTo(layer)
            && strictlyBelow(path, r.link())
            && (best == null || r.link().raw().length() < best.link().raw().length())) {
          best = r;
        }
      }
      if (best == null) {
        return path;
      }
      String rest = path.raw().substring(best.link().raw().length() + 1);
      path =
          best.target().isRoot()
              ? EntryPath.of(rest)
              : EntryPath.of(best.target().raw() + "/" + rest);
    }
    return path;
  }

  static boolean strictlyBelow(EntryPath path, EntryPath dir) {
    if (dir.isRoot()) {
      return !path.isRoot();
    }
    String p = path.raw();
    String d = dir.raw();
    return p.length() > d.length() + 1 && p.startsWith(d) && p.charAt(d.length()) == '/';
  }

  @Override
  public String toString() {
    return dropped.isEmpty() ? redirects.toString() : redirects + " dropped " + dropped;
  }
}
