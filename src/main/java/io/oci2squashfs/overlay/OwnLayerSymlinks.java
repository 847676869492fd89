package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The symlinks a layer's tar has made so far, which its later entries' names go through: extracting
 * a tar in order (as umoci and the runtimes do) resolves {@code lib/y} through a symlink {@code lib
 * -> usr/lib} that an earlier entry of the same tar made, so it lands in {@code usr/lib/y}. The
 * names of entries, whiteouts and hard-link targets alike. A hard link that names a symlink is a
 * symlink too (S11): one to a symlink this layer made is known at once, one to an older layer's is
 * known from an earlier pass ({@link LinkedSymlinks}). A later entry at the link's own path, or a
 * non-directory at a directory above it, replaces it, and names after that are no longer resolved
 * through it.
 *
 * <p>When tracking hard links, it also keeps the layer's hard links not known to name a symlink,
 * and notes those that later names went below ({@link #takeGoneBelow}): what they name decides
 * where those names belong, and only the older layers can tell.
 *
 * <p>Read in tar order, one layer at a time ({@link #clear} between layers). It holds every symlink
 * of the layer (a tar of a real tree has many, but never a name below one); a name costs a lookup
 * per parent directory.
 */
final class OwnLayerSymlinks {
  /**
   * An entry of this layer that is still at its path: a symlink, or a hard link.
   *
   * @param symlinkTarget the raw target of the symlink it is or names; null for a hard link not
   *     known to name one
   * @param target where it leads inside the image; null when it leads nowhere (into itself, a
   *     target no directory could have) or is not known to be a symlink
   * @param hardLinkTarget for a hard link, what it names; else null
   */
  record Link(
      EntryPath path,
      long ordinal,
      String symlinkTarget,
      EntryPath target,
      EntryPath hardLinkTarget) {}

  private final boolean trackHardLinks;

  /** Link path (raw) to the entry; sorted, to find those below a path. */
  private final NavigableMap<String, Link> links = new TreeMap<>();

  /** Links a warning has named since the layer began. */
  private final Set<String> announced = new HashSet<>();

  /** The first link the names resolved since the last {@link #takeNewlyFollowed} went through. */
  private String lastFollowed;

  /** Hard links not known to name a symlink that names went below, not yet taken; null if none. */
  private List<Link> goneBelow;

  /** Positions of the hard links ever put in {@link #goneBelow}; null if none. */
  private Set<Long> wentBelowAny;

  /** Follows this layer's symlinks only. */
  OwnLayerSymlinks() {
    this(false);
  }

  /**
   * Follows this layer's symlinks; with {@code trackHardLinks}, keeps its other hard links too and
   * notes names below them.
   */
  OwnLayerSymlinks(boolean trackHardLinks) {
    this.trackHardLinks = trackHardLinks;
  }

  void clear() {
    links.clear();
    announced.clear();
    lastFollowed = null;
    goneBelow = null;
    wentBelowAny = null;
  }

  /**
   * The first link the names resolved since the last call went through, if none of this layer's
   * earlier calls returned it, else null: so a warning names each link once. {@code announce} false
   * forgets the link without counting it as named (for names that are not warned about).
   */
  String takeNewlyFollowed(boolean announce) {
    String link = lastFollowed;
    lastFollowed = null;
    return link != null && announce && announced.add(link) ? link : null;
  }

  /**
   * Takes note of entry {@code h}, already resolved, as the next one of the layer's tar, at
   * position {@code ordinal}; {@code linkedTarget} is the raw target of the symlink it names when
   * it is a hard link known to name one ({@link LinkedSymlinks}), else null.
   *
   * @return the raw target of the symlink {@code h} is or names, or null
   */
  String saw(TarHeader h, long ordinal, String linkedTarget) {
    EntryType type = h.type();
    boolean hardLink = type == EntryType.HARDLINK;
    if (links.isEmpty()
        && type != EntryType.SYMLINK
        && (!hardLink || (!trackHardLinks && linkedTarget == null))) {
      return null;
    }
    String raw = h.path().raw();
    String symlinkTarget = null;
    if (type == EntryType.SYMLINK) {
      symlinkTarget = h.symlinkTarget();
    } else if (hardLink) {
      symlinkTarget = linkedTarget;
      if (symlinkTarget == null && !h.hardLinkTarget().equals(h.path())) {
        Link named = links.get(h.hardLinkTarget().raw()); // another name for this layer's symlink
        symlinkTarget = named == null ? null : named.symlinkTarget();
      }
    }
    if (!type.isDirectory()) {
      links.subMap(raw + "/", raw + "0").clear(); // a non-directory removes what was below its path
    }
    EntryPath hardLinkTarget = hardLink ? h.hardLinkTarget() : null;
    if (symlinkTarget != null) {
      EntryPath target = SymlinkRedirects.resolve(h.path(), symlinkTarget);
      links.put(raw, new Link(h.path(), ordinal, symlinkTarget, target, hardLinkTarget));
    } else if (hardLink && trackHardLinks) {
      links.put(raw, new Link(h.path(), ordinal, null, null, hardLinkTarget));
    } else {
      links.remove(raw); // replaced: names after this one stay where they are
    }
    return symlinkTarget;
  }

  /** The entry of this layer still at {@code path} when it is a symlink or a hard link, or null. */
  Link at(EntryPath path) {
    return links.isEmpty() ? null : links.get(path.raw());
  }

  /**
   * The hard links not known to name a symlink that names went below since the last call, each once
   * in the layer.
   */
  List<Link> takeGoneBelow() {
    if (goneBelow == null) {
      return List.of();
    }
    List<Link> taken = goneBelow;
    goneBelow = null;
    return taken;
  }

  /**
   * {@code h} with its name, and a hard link's target, resolved through these links; {@code h}
   * itself if neither goes through one.
   */
  TarHeader apply(TarHeader h) {
    return links.isEmpty() ? h : SymlinkRedirects.withNames(h, this::apply);
  }

  /** {@code path} with its parent directories resolved through these links, leftmost first. */
  EntryPath apply(EntryPath path) {
    for (int hop = 0; hop < SymlinkRedirects.MAX_HOPS && !links.isEmpty(); hop++) {
      String raw = path.raw();
      EntryPath next = null;
      for (int slash = raw.indexOf('/'); slash > 0; slash = raw.indexOf('/', slash + 1)) {
        String name = raw.substring(0, slash);
        Link link = links.get(name);
        if (link == null) {
          continue;
        }
        if (link.target() != null) {
          if (lastFollowed == null) {
            lastFollowed = name;
          }
          String rest = raw.substring(slash + 1);
          EntryPath target = link.target();
          next = target.isRoot() ? EntryPath.of(rest) : EntryPath.of(target.raw() + "/" + rest);
          break;
        }
        if (link.symlinkTarget() == null) {
          wentBelow(link);
        }
      }
      if (next == null) {
        return path;
      }
      path = next;
    }
    return path;
  }

  private void wentBelow(Link hardLink) {
    if (wentBelowAny == null) {
      wentBelowAny = new HashSet<>();
    }
    if (wentBelowAny.add(hardLink.ordinal())) {
      if (goneBelow == null) {
        goneBelow = new ArrayList<>(1);
      }
      goneBelow.add(hardLink);
    }
  }
}
