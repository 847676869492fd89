package io.oci2squashfs.verify;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** A whole tree as read from a directory or an image: its entries by path, in tree order. */
public final class TreeSnapshot {
  /** Tree order: a directory's children right after it ({@code /a}, {@code /a/b}, {@code /a b}). */
  public static final Comparator<String> PATH_ORDER =
      (x, y) -> {
        int n = Math.min(x.length(), y.length());
        for (int i = 0; i < n; i++) {
          char a = x.charAt(i);
          char b = y.charAt(i);
          if (a != b) {
            return a == '/' ? -1 : b == '/' ? 1 : Character.compare(a, b);
          }
        }
        return Integer.compare(x.length(), y.length());
      };

  private final SortedMap<String, TreeEntry> entries;

  private TreeSnapshot(SortedMap<String, TreeEntry> entries) {
    this.entries = Collections.unmodifiableSortedMap(entries);
  }

  /** A snapshot of these entries; a path given twice is an error. */
  public static TreeSnapshot of(Collection<TreeEntry> entries) {
    SortedMap<String, TreeEntry> m = new TreeMap<>(PATH_ORDER);
    for (TreeEntry e : entries) {
      if (m.put(e.path(), e) != null) {
        throw new IllegalArgumentException("path given twice: " + e.path());
      }
    }
    return new TreeSnapshot(m);
  }

  public static TreeSnapshot of(TreeEntry... entries) {
    return of(List.of(entries));
  }

  /** Every entry by path, in {@link #PATH_ORDER}. */
  public SortedMap<String, TreeEntry> entries() {
    return entries;
  }

  public TreeEntry get(String path) {
    return entries.get(path);
  }

  public int size() {
    return entries.size();
  }

  /**
   * For every path that is one of several hard links of an inode, all the paths of that inode
   * (itself included), sorted in tree order; paths that are their inode's only link are absent.
   */
  public Map<String, List<String>> hardLinkGroups() {
    Map<String, List<String>> byKey = new HashMap<>();
    for (TreeEntry e : entries.values()) {
      if (e.linkKey() != null) {
        byKey.computeIfAbsent(e.linkKey(), k -> new ArrayList<>()).add(e.path());
      }
    }
    Map<String, List<String>> out = new HashMap<>();
    for (List<String> group : byKey.values()) {
      if (group.size() > 1) {
        List<String> g = List.copyOf(group); // entries are visited in tree order
        for (String p : group) {
          out.put(p, g);
        }
      }
    }
    return out;
  }
}
