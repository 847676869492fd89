package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import java.util.HashMap;
import java.util.Map;

/**
 * What one layer says twice: paths that appear more than once within it, with the position of their
 * last entry, and directories that its own earlier entries made and a later non-directory entry
 * replaces. Tar semantics make the later entry win, but a newest-first stream has written the
 * earlier ones before it sees the later; a merge that finds such paths therefore reports them, and
 * the next merge given this index skips what the later entries undo.
 */
public final class DuplicateIndex {
  private final Map<Integer, Map<EntryPath, Long>> lastByLayer = new HashMap<>();
  private final Map<Integer, Map<EntryPath, Long>> replacedByLayer = new HashMap<>();

  /** Records that the entry at {@code ordinal} (1-based within the layer) repeats {@code path}. */
  void add(int layer, EntryPath path, long ordinal) {
    lastByLayer.computeIfAbsent(layer, k -> new HashMap<>()).merge(path, ordinal, Math::max);
  }

  /**
   * Records that the non-directory entry at {@code ordinal} replaces the directory at {@code path}
   * that entries earlier in the same layer made: those entries are undone, as tar undoes them.
   */
  void addReplacedDirectory(int layer, EntryPath path, long ordinal) {
    replacedByLayer.computeIfAbsent(layer, k -> new HashMap<>()).merge(path, ordinal, Math::max);
  }

  /**
   * The ordinal of the last entry for {@code path} in {@code layer}, or null when it appears once.
   */
  Long lastOrdinal(int layer, EntryPath path) {
    Map<EntryPath, Long> m = lastByLayer.get(layer);
    return m == null ? null : m.get(path);
  }

  /**
   * The position of the first entry after {@code ordinal} in {@code layer} that replaces a
   * directory above {@code path}, so removing what that entry had made; null when none does.
   */
  Long replacedAfter(int layer, EntryPath path, long ordinal) {
    Map<EntryPath, Long> m = replacedByLayer.get(layer);
    if (m == null) {
      return null;
    }
    Long first = null;
    for (EntryPath a = path.parent(); a != null && !a.isRoot(); a = a.parent()) {
      Long o = m.get(a);
      if (o != null && o > ordinal && (first == null || o < first)) {
        first = o;
      }
    }
    return first;
  }

  /** This index with what {@code other} adds (a later pass of the same layers learnt more). */
  public DuplicateIndex plus(DuplicateIndex other) {
    DuplicateIndex sum = new DuplicateIndex();
    for (DuplicateIndex d : new DuplicateIndex[] {this, other}) {
      d.lastByLayer.forEach((layer, m) -> m.forEach((path, o) -> sum.add(layer, path, o)));
      d.replacedByLayer.forEach(
          (layer, m) -> m.forEach((path, o) -> sum.addReplacedDirectory(layer, path, o)));
    }
    return sum;
  }

  public boolean isEmpty() {
    return lastByLayer.isEmpty() && replacedByLayer.isEmpty();
  }

  /** Number of paths that repeat or replace their layer's own directory, over all layers. */
  public int size() {
    return lastByLayer.values().stream().mapToInt(Map::size).sum()
        + replacedByLayer.values().stream().mapToInt(Map::size).sum();
  }
}
