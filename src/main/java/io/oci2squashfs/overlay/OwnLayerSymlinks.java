package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import java.util.HashSet;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The symlinks a layer's tar has made so far, which its later entries' names go through: extracting
 * a tar in order (as umoci and the runtimes do) resolves {@code lib/y} through a symlink {@code lib
 * -> usr/lib} that an earlier entry of the same tar made, so it lands in {@code usr/lib/y}. The
 * names of entries, whiteouts and hard-link targets alike. A later entry at the link's own path, or
 * a non-directory at a directory above it, replaces it, and names after that are no longer resolved
 * through it.
 *
 * <p>Read in tar order, one layer at a time ({@link #clear} between layers). It holds every symlink
 * of the layer (a tar of a real tree has many, but never a name below one); a name costs a lookup
 * per parent directory.
 */
final class OwnLayerSymlinks {
  /** Link path (raw) to where it leads inside the image; sorted, to find those below a path. */
  private final NavigableMap<String, EntryPath> links = new TreeMap<>();

  /** Links a warning has named since the layer began. */
  private final Set<String> announced = new HashSet<>();

  /** The first link the names resolved since the last {@link #takeNewlyFollowed} went through. */
  private String lastFollowed;

  void clear() {
    links.clear();
    announced.clear();
    lastFollowed = null;
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

  /** Takes note of entry {@code h}, already resolved, as the next one of the layer's tar. */
  void saw(TarHeader h) {
    if (links.isEmpty() && h.type() != EntryType.SYMLINK) {
      return;
    }
    String raw = h.path().raw();
    if (!h.type().isDirectory()) {
      links.subMap(raw + "/", raw + "0").clear(); // a non-directory removes what was below its path
    }
    EntryPath target =
        h.type() == EntryType.SYMLINK
            ? SymlinkRedirects.resolve(h.path(), h.symlinkTarget())
            : null;
    if (target != null) {
      links.put(raw, target);
    } else {
      links.remove(raw); // replaced: names after this one stay where they are
    }
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
        String link = raw.substring(0, slash);
        EntryPath target = links.get(link);
        if (target != null) {
          if (lastFollowed == null) {
            lastFollowed = link;
          }
          String rest = raw.substring(slash + 1);
          next = target.isRoot() ? EntryPath.of(rest) : EntryPath.of(target.raw() + "/" + rest);
          break;
        }
      }
      if (next == null) {
        return path;
      }
      path = next;
    }
    return path;
  }
}
