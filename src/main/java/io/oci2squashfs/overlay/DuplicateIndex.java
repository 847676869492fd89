package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import java.util.HashMap;
import java.util.Map;

/**
 * Paths that appear more than once within one layer, with the position of their last entry. Tar
 * semantics make the last one win, but a newest-first stream has written the first before it sees
 * the second; a merge that finds duplicates therefore reports them, and a second merge given this
 * index skips every entry but the last.
 */
public final class DuplicateIndex {
  private final Map<Integer, Map<EntryPath, Long>> lastByLayer = new HashMap<>();

  /** Records that the entry at {@code ordinal} (1-based within the layer) repeats {@code path}. */
  void add(int layer, EntryPath path, long ordinal) {
    lastByLayer.computeIfAbsent(layer, k -> new HashMap<>()).merge(path, ordinal, Math::max);
  }

  /** The ordinal of the last entry for {@code path} in {@code layer}, or null when it appears once. */
  Long lastOrdinal(int layer, EntryPath path) {
    Map<EntryPath, Long> m = lastByLayer.get(layer);
    return m == null ? null : m.get(path);
  }

  public boolean isEmpty() {
    return lastByLayer.isEmpty();
  }

  /** Number of paths that repeat, over all layers. */
  public int size() {
    return lastByLayer.values().stream().mapToInt(Map::size).sum();
  }
}
