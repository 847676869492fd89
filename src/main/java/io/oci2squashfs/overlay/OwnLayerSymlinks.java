package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import java.util.HashMap;
import java.util.Map;

/**
 * The symlinks a layer's tar has made so far, which its later entries' names go through: extracting
 * a tar in order (as umoci and the runtimes do) resolves {@code lib/y} through a symlink {@code lib
 * -> usr/lib} that an earlier entry of the same tar made, so it lands in {@code usr/lib/y}. The
 * names of entries, whiteouts and hard-link targets alike. A later entry at the link's own path that
 * is not a symlink replaces it, and names after that are no longer resolved through it.
 *
 * <p>Read in tar order, one layer at a time ({@link #clear} between layers). A tar of a real tree
 * never has a name below a symlink, so this is usually empty and costs nothing.
 */
final class OwnLayerSymlinks {
  /** Link path (raw) to where it leads inside the image. */
  private final Map<String, EntryPath> links = new HashMap<>();

  void clear() {
    links.clear();
  }

  /** Takes note of entry {@code h}, already resolved, as the next one of the layer's tar. */
  void saw(TarHeader h) {
    if (h.type() == EntryType.SYMLINK) {
      EntryPath target = SymlinkRedirects.resolve(h.path(), h.symlinkTarget());
      if (target != null) {
        links.put(h.path().raw(), target);
        return;
      }
    }
    if (!links.isEmpty()) {
      links.remove(h.path().raw()); // replaced: names after this one stay where they are
    }
  }

  /** {@code h} with its name, and a hard link's target, resolved through these links; {@code h} itself if neither goes through one. */
  TarHeader apply(TarHeader h) {
    return links.isEmpty() ? h : SymlinkRedirects.withNames(h, this::apply);
  }

  /** {@code path} with its parent directories resolved through these links, leftmost first. */
  EntryPath apply(EntryPath path) {
    for (int hop = 0; hop < SymlinkRedirects.MAX_HOPS && !links.isEmpty(); hop++) {
      String raw = path.raw();
      EntryPath next = null;
      for (int slash = raw.indexOf('/'); slash > 0; slash = raw.indexOf('/', slash + 1)) {
        EntryPath target = links.get(raw.substring(0, slash));
        if (target != null) {
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
