package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Lower symlinks that newer layers' entries may have gone through before a still newer layer
 * removed or replaced the link ({@code docs/semantics.md}, "A symlink removed after entries went
 * through it"): L0 has {@code lib -> usr/lib}, L1 has {@code lib/x}, L2 whites {@code lib} out (or
 * replaces it). Applied in order, {@code x} lands in {@code usr/lib/x} and stays there.
 *
 * <p>A newest-first merge meets the link last, when what hid or replaced it has already decided the
 * newer entries' fate; it cannot tell from that alone which layers went through the link. So a
 * merge that meets such a link with anything below its path reports it as a suspect, and the next
 * merge, told of it, watches every entry of the newer layers for {@linkplain Watch#record what
 * concerns the link}: the first layer that removed it, and the first that went below it. When the
 * latter is older, the link is followed up to the former ({@link
 * SymlinkRedirects.Redirect#untilLayer()}).
 *
 * <p>A layer goes through a lower link when the link is there as the layer starts and the layer has
 * no entry of its own at the link's path, and its whiteouts and opaque markers do not remove it: as
 * the reference model ({@code OldestFirstModel}) and the semantics doc say.
 */
public final class SymlinkSuspects {
  private static final SymlinkSuspects NONE = new SymlinkSuspects(List.of());

  /** A symlink of layer {@code linkLayer} at {@code link}, leading to {@code target}. */
  record Suspect(int linkLayer, EntryPath link, EntryPath target) {}

  private final List<Suspect> suspects;

  private SymlinkSuspects(List<Suspect> suspects) {
    this.suspects = suspects;
  }

  /** None known. */
  public static SymlinkSuspects none() {
    return NONE;
  }

  public boolean isEmpty() {
    return suspects.isEmpty();
  }

  public int size() {
    return suspects.size();
  }

  boolean contains(int linkLayer, EntryPath link) {
    return suspects.stream().anyMatch(s -> s.linkLayer() == linkLayer && s.link().equals(link));
  }

  /** These and {@code more}. */
  public SymlinkSuspects plus(SymlinkSuspects more) {
    List<Suspect> all = new ArrayList<>(suspects);
    for (Suspect s : more.suspects) {
      if (!all.contains(s)) {
        all.add(s);
      }
    }
    return new SymlinkSuspects(Collections.unmodifiableList(all));
  }

  SymlinkSuspects with(int linkLayer, EntryPath link, EntryPath target) {
    return plus(new SymlinkSuspects(List.of(new Suspect(linkLayer, link, target))));
  }

  /** A fresh watch over these suspects, for one merge. */
  Watch watch() {
    return new Watch(suspects);
  }

  @Override
  public String toString() {
    return suspects.toString();
  }

  /** What one merge saw of the newer layers concerning each suspect. */
  static final class Watch {
    private final List<Suspect> suspects;

    /** Per suspect: the oldest newer layer that removed or replaced the link. */
    private final int[] removedBy;

    /** Per suspect: the oldest newer layer with a name below the link. */
    private final int[] below;

    private Watch(List<Suspect> suspects) {
      this.suspects = suspects;
      this.removedBy = new int[suspects.size()];
      this.below = new int[suspects.size()];
      java.util.Arrays.fill(removedBy, PathTrie.NO_LAYER);
      java.util.Arrays.fill(below, PathTrie.NO_LAYER);
    }

    boolean isEmpty() {
      return suspects.isEmpty();
    }

    /**
     * Takes note of entry {@code h} of {@code layer}, its names already resolved as the layer
     * applies it, of kind {@code kind}.
     */
    void record(int layer, TarHeader h, Whiteouts.Kind kind) {
      EntryPath path = h.path();
      for (int i = 0; i < suspects.size(); i++) {
        Suspect s = suspects.get(i);
        if (layer <= s.linkLayer()) {
          continue;
        }
        EntryPath link = s.link();
        boolean belowLink = SymlinkRedirects.strictlyBelow(path, link);
        switch (kind) {
          case WHITEOUT -> {
            if (link.startsWith(Whiteouts.hiddenPath(path))) {
              removed(i, layer); // whiteouts act before the layer's own entries
            } else if (belowLink) {
              went(i, layer);
            }
          }
          case OPAQUE -> {
            if (SymlinkRedirects.strictlyBelow(link, path.parent())) {
              removed(i, layer);
            } else if (belowLink) {
              went(i, layer);
            }
          }
          case AUFS_META -> {
            // dropped: it names nothing
          }
          default -> {
            if (path.equals(link)) {
              removed(i, layer); // a layer with its own entry there does not go through the link
            } else if (!h.type().isDirectory() && SymlinkRedirects.strictlyBelow(link, path)) {
              removed(
                  i, layer + 1); // its own names went through before the entry replaced all below
            } else if (belowLink
                || (h.type() == EntryType.HARDLINK
                    && SymlinkRedirects.strictlyBelow(h.hardLinkTarget(), link))) {
              went(i, layer);
            }
          }
        }
      }
    }

    private void removed(int i, int layer) {
      removedBy[i] = Math.min(removedBy[i], layer);
    }

    private void went(int i, int layer) {
      below[i] = Math.min(below[i], layer);
    }

    /**
     * At the suspect's own symlink, after every newer layer was recorded: the first layer that
     * removed or replaced it when a layer older than that went below it, else -1 (no entry went
     * through the link).
     */
    int followedUntil(int linkLayer, EntryPath link) {
      for (int i = 0; i < suspects.size(); i++) {
        Suspect s = suspects.get(i);
        if (s.linkLayer() == linkLayer && s.link().equals(link)) {
          return below[i] < removedBy[i] ? removedBy[i] : -1;
        }
      }
      return -1;
    }
  }
}
