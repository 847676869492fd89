package io.oci2squashfs.overlay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records a merge's output, checks on every write the guarantees of {@link MergeOutput} (what
 * mksquashfs needs), and answers questions about the resulting filesystem as mksquashfs would build
 * it.
 */
final class MergedTree implements MergeOutput {
  /** One inode: hard links share the same object. */
  static final class Inode {
    final TarHeader header;
    final byte[] content;

    Inode(TarHeader header, byte[] content) {
      this.header = header;
      this.content = content;
    }
  }

  final List<TarHeader> written = new ArrayList<>();
  final Map<EntryPath, Inode> byPath = new LinkedHashMap<>();
  final List<MergeWarning> warnings = new ArrayList<>();
  MergeResult result;

  @Override
  public void write(TarHeader h, InputStream content) throws IOException {
    EntryPath path = h.path();
    assertFalse(path.isRoot(), "the root is never written");
    assertFalse(byPath.containsKey(path), "written twice: " + path);
    for (EntryPath a = path.parent(); !a.isRoot(); a = a.parent()) {
      Inode parent = byPath.get(a);
      assertTrue(
          parent == null || parent.header.type() == EntryType.DIRECTORY,
          "non-directory " + a + " has a child " + path);
    }
    if (h.type() != EntryType.DIRECTORY) {
      for (EntryPath p : byPath.keySet()) {
        assertFalse(
            p.startsWith(path), "non-directory " + path + " written over existing child " + p);
      }
    }
    written.add(h);
    if (h.type() == EntryType.HARDLINK) {
      Inode target = byPath.get(h.hardLinkTarget());
      assertNotNull(
          target, "hard link " + path + " written before its target " + h.hardLinkTarget());
      assertTrue(target.header.type() != EntryType.DIRECTORY, "hard link to a directory: " + path);
      byPath.put(path, target);
      return;
    }
    byte[] bytes = h.type() == EntryType.FILE ? content.readNBytes((int) h.size()) : new byte[0];
    assertEquals(h.size(), bytes.length, "content of " + path);
    byPath.put(path, new Inode(h, bytes));
  }

  static MergedTree merge(MemoryLayer... layers) throws IOException {
    return merge(MergeOptions.DEFAULT, new MemoryLayer.Source(List.of(layers)));
  }

  /**
   * Merges as the converter does: again, into a fresh output, while a pass learns something
   * (repeats in a layer).
   */
  static MergedTree merge(MergeOptions options, MemoryLayer.Source source) throws IOException {
    return settle(options, source, false);
  }

  int passes = 1;

  /**
   * Merges as the converter does, following lower symlinks: again while a pass learns something.
   */
  static MergedTree mergeFollowing(MemoryLayer... layers) throws IOException {
    return settle(
        MergeOptions.DEFAULT.withRedirects(SymlinkRedirects.none()),
        new MemoryLayer.Source(List.of(layers)),
        true);
  }

  /**
   * Through {@link MergePasses}, as the converter runs it; the last pass's warnings, or with {@code
   * everyPass} every pass's, as the converter reports them.
   */
  private static MergedTree settle(
      MergeOptions options, MemoryLayer.Source source, boolean everyPass) throws IOException {
    List<MergeWarning> earlier = new ArrayList<>();
    MergedTree[] last = new MergedTree[1];
    MergePasses.Outputs<MergedTree> trees =
        new MergePasses.Outputs<>() {
          @Override
          public MergedTree open() {
            if (last[0] != null) {
              earlier.addAll(last[0].warnings);
            }
            last[0] = new MergedTree();
            return last[0];
          }

          @Override
          public void discard(MergedTree tree, MergeResult.Repeat why) {}
        };
    MergeListener listener =
        new MergeListener() {
          @Override
          public void warning(MergeWarning w) {
            last[0].warnings.add(w);
          }
        };
    MergePasses.Settled<MergedTree> s;
    try {
      s = MergePasses.settle(source, options, listener, trees, (pass, why) -> {});
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("more to learn")) {
        fail(e.getMessage());
      }
      throw e;
    }
    MergedTree t = s.output();
    t.result = s.result();
    t.passes = s.passes();
    assertEquals(t.written.size(), t.result.entriesWritten(), "entries counted");
    assertEquals(t.warnings.size(), t.result.warnings(), "warnings counted");
    if (everyPass) {
      t.warnings.addAll(0, earlier);
    }
    return t;
  }

  Inode get(String name) {
    Inode i = byPath.get(EntryPath.ofUtf8(name));
    if (i == null) {
      fail("no " + name + " in " + byPath.keySet());
    }
    return i;
  }

  MergedTree absent(String name) {
    assertNull(byPath.get(EntryPath.ofUtf8(name)), name + " should be gone");
    return this;
  }

  MergedTree file(String name, String content) {
    Inode i = get(name);
    assertEquals(EntryType.FILE, i.header.type(), name + " type");
    assertEquals(content, new String(i.content, StandardCharsets.UTF_8), name + " content");
    return this;
  }

  MergedTree fileBytes(String name, byte[] content) {
    Inode i = get(name);
    assertEquals(EntryType.FILE, i.header.type(), name + " type");
    assertArrayEquals(content, i.content, name + " content");
    return this;
  }

  MergedTree dir(String name, int mode) {
    Inode i = get(name);
    assertEquals(EntryType.DIRECTORY, i.header.type(), name + " type");
    assertEquals(
        Integer.toOctalString(mode), Integer.toOctalString(i.header.mode()), name + " mode");
    return this;
  }

  MergedTree type(String name, EntryType type) {
    assertEquals(type, get(name).header.type(), name + " type");
    return this;
  }

  MergedTree symlink(String name, String target) {
    Inode i = get(name);
    assertEquals(EntryType.SYMLINK, i.header.type(), name + " type");
    assertEquals(
        target,
        new String(
            i.header.symlinkTarget().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
        name + " target");
    return this;
  }

  MergedTree sameInode(String a, String b) {
    assertSame(get(a), get(b), a + " and " + b + " should share one inode");
    return this;
  }

  MergedTree distinctInodes(String a, String b) {
    assertNotSame(get(a), get(b), a + " and " + b + " should not share an inode");
    return this;
  }

  MergedTree paths(String... names) {
    List<String> expected = new ArrayList<>(List.of(names));
    List<String> actual = new ArrayList<>();
    byPath.keySet().forEach(p -> actual.add(p.display()));
    expected.sort(null);
    actual.sort(null);
    assertEquals(expected, actual, "paths in the merged filesystem");
    return this;
  }

  MergedTree warned(String fragment) {
    assertTrue(
        warnings.stream().anyMatch(w -> w.toString().contains(fragment)),
        "expected a warning containing '" + fragment + "', got " + warnings);
    return this;
  }

  MergedTree noWarnings() {
    assertEquals(List.of(), warnings, "warnings");
    return this;
  }

  /** The hard links in write order must follow their targets; counts entries per inode. */
  Map<Inode, Integer> linkCounts() {
    Map<Inode, Integer> counts = new HashMap<>();
    byPath.values().forEach(i -> counts.merge(i, 1, Integer::sum));
    return counts;
  }
}
