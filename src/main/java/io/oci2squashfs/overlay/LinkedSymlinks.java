package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hard-link entries that name a symlink, and so are symlinks themselves ({@code docs/semantics.md},
 * rule S11): on Linux, {@code link(2)} on a symlink makes another name for the symlink, and an
 * in-order extraction resolves later names through it. A newest-first pass can tell what a hard
 * link names only once it has read the older layers, so a pass that finds such a link with names
 * below it reports it ({@link MergeResult#linkedSymlinks()}), and the next pass, told of it, treats
 * the entry as the symlink it is wherever symlinks count (names through it, lower redirects,
 * suspects), while still writing it as a hard link.
 *
 * <p>Each is known by its entry (layer and position in the layer's tar) and by the names the pass
 * that found it gave the link and its target: a later pass that resolves those names elsewhere
 * (through a lower symlink it learnt of since) does not take it for the same link, and finds it
 * again under its new names.
 */
public final class LinkedSymlinks {
  private static final LinkedSymlinks NONE = new LinkedSymlinks(List.of());

  /**
   * Entry {@code ordinal} of {@code layer}, a hard link at {@code link} to {@code target}, names a
   * symlink to {@code symlinkTarget} (raw, as the symlink holds it).
   */
  record Linked(int layer, long ordinal, EntryPath link, EntryPath target, String symlinkTarget) {}

  private final List<Linked> all;

  /** By layer and position, for the lookup each hard-link entry makes. */
  private final Map<Long, List<Linked>> byEntry = new HashMap<>();

  private LinkedSymlinks(List<Linked> all) {
    this.all = all;
    for (Linked l : all) {
      byEntry.computeIfAbsent(key(l.layer(), l.ordinal()), k -> new ArrayList<>(1)).add(l);
    }
  }

  /** None known. */
  public static LinkedSymlinks none() {
    return NONE;
  }

  public boolean isEmpty() {
    return all.isEmpty();
  }

  public int size() {
    return all.size();
  }

  /** These and {@code more}. */
  public LinkedSymlinks plus(LinkedSymlinks more) {
    List<Linked> sum = new ArrayList<>(all);
    for (Linked l : more.all) {
      if (!sum.contains(l)) {
        sum.add(l);
      }
    }
    return sum.size() == all.size() ? this : new LinkedSymlinks(Collections.unmodifiableList(sum));
  }

  /** Whether these hold any link {@code other} does not. */
  boolean addsTo(LinkedSymlinks other) {
    for (Linked l : all) {
      if (!other.all.contains(l)) {
        return true;
      }
    }
    return false;
  }

  LinkedSymlinks with(Linked l) {
    return plus(new LinkedSymlinks(List.of(l)));
  }

  /**
   * The raw target of the symlink that entry {@code ordinal} of {@code layer}, a hard link at
   * {@code link} to {@code target} (names resolved), names; null when not known to name one.
   */
  String symlinkTarget(int layer, long ordinal, EntryPath link, EntryPath target) {
    if (all.isEmpty()) {
      return null;
    }
    List<Linked> at = byEntry.get(key(layer, ordinal));
    if (at != null) {
      for (Linked l : at) {
        if (l.link().equals(link) && l.target().equals(target)) {
          return l.symlinkTarget();
        }
      }
    }
    return null;
  }

  /** Whether entry {@link #key} is one of these. */
  boolean contains(long key) {
    return byEntry.containsKey(key);
  }

  /** An entry's key: its layer and position. */
  static long key(int layer, long ordinal) {
    return ((long) layer << 32) | ordinal; // positions fit an int: the merger refuses more
  }

  @Override
  public String toString() {
    return all.toString();
  }
}
