package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The reference: applies layers oldest first, as the OCI spec ("Applying Changesets", "Whiteouts")
 * and the shared overlay-semantics doc say, one entry at a time, on a plain map of paths. Written
 * independently of {@link LayerMerger} and {@link Whiteouts}: whiteout names are classified here from
 * the doc's table.
 *
 * <p>It also reports <em>violations</em>: inputs a container runtime would refuse, or that the doc
 * leaves to "at least warn" (the same path twice in a layer), or whose meaning depends on tar order
 * within a layer in a way the doc does not settle. The differential generator only produces layers
 * without violations.
 */
final class OldestFirstModel {
  /** One inode. Hard links share the object. */
  static final class Inode {
    final TarHeader header; // the entry that made it (its path is the first name)
    final byte[] content;

    Inode(TarHeader header, byte[] content) {
      this.header = header;
      this.content = content;
    }
  }

  /** What is at a path: a directory (with its attributes) or a non-directory inode. */
  static final class Node {
    final TarHeader dir; // directories: the explicit entry, or a synthetic 0755 0:0 header
    final Inode inode; // non-directories
    final boolean implicit; // a directory made as a parent, with no entry of its own

    Node(TarHeader dir, Inode inode) {
      this(dir, inode, false);
    }

    Node(TarHeader dir, Inode inode, boolean implicit) {
      this.dir = dir;
      this.inode = inode;
      this.implicit = implicit;
    }

    boolean isDir() {
      return dir != null;
    }

    EntryType type() {
      return isDir() ? EntryType.DIRECTORY : inode.header.type();
    }
  }

  enum Kind { ROOT, ENTRY, WHITEOUT, OPAQUE, AUFS_META }

  private static final Set<String> AUFS_NAMES = Set.of(".wh.", ".wh..wh.plnk", ".wh..wh.aufs", ".wh..wh.orph");

  /** Classifies a name by the doc's whiteout table. */
  static Kind classify(EntryPath p) {
    if (p.isRoot()) {
      return Kind.ROOT;
    }
    List<String> c = p.components();
    for (int i = 0; i < c.size() - 1; i++) {
      if (AUFS_NAMES.contains(c.get(i))) {
        return Kind.AUFS_META;
      }
    }
    String name = c.get(c.size() - 1);
    if (name.equals(".wh..wh..opq")) {
      return Kind.OPAQUE;
    }
    if (AUFS_NAMES.contains(name)) {
      return Kind.AUFS_META;
    }
    if (name.startsWith(".wh.")) {
      return Kind.WHITEOUT;
    }
    return Kind.ENTRY;
  }

  /** Marks the violation the doc nonetheless defines: P/child over a lower non-directory P makes P a directory. */
  static final String LOWER_NONDIR_PARENT = " of a lower layer";

  final Map<EntryPath, Node> tree = new TreeMap<>();
  TarHeader root; // newest root entry seen so far (oldest first: the last one applied)
  final List<String> violations = new ArrayList<>();
  private final Mtime implicitMtime;

  // per layer
  private int layerIndex = -1;
  private final Set<EntryPath> layerPaths = new HashSet<>();
  private final Set<EntryPath> layerLinkTargets = new HashSet<>();
  private boolean layerHadRoot;

  OldestFirstModel(Mtime implicitMtime) {
    this.implicitMtime = implicitMtime;
  }

  OldestFirstModel() {
    this(Mtime.EPOCH);
  }

  OldestFirstModel copy() {
    OldestFirstModel m = new OldestFirstModel(implicitMtime);
    m.tree.putAll(tree); // nodes are immutable
    m.root = root;
    m.layerIndex = layerIndex;
    m.layerPaths.addAll(layerPaths);
    m.layerLinkTargets.addAll(layerLinkTargets);
    m.layerHadRoot = layerHadRoot;
    return m;
  }

  /** Applies whole layers, oldest first. */
  static OldestFirstModel apply(List<MemoryLayer> layers) {
    OldestFirstModel m = new OldestFirstModel();
    for (MemoryLayer l : layers) {
      m.applyLayer(l);
    }
    return m;
  }

  void applyLayer(MemoryLayer l) {
    List<EntryPath> removals = new ArrayList<>();
    for (MemoryLayer.Entry e : l.entries) {
      removals.add(e.header().path());
    }
    beginLayer(removals);
    for (MemoryLayer.Entry e : l.entries) {
      Kind k = classify(e.header().path());
      if (k == Kind.ROOT || k == Kind.ENTRY) {
        violations.addAll(check(e.header()));
        applyEntry(e.header(), e.content());
      }
    }
  }

  /** Starts a layer: its whiteouts and opaque markers act first, wherever they stand in the tar. */
  void beginLayer(List<EntryPath> names) {
    layerIndex++;
    layerPaths.clear();
    layerLinkTargets.clear();
    layerHadRoot = false;
    for (EntryPath p : names) {
      Kind k = classify(p);
      if (k == Kind.WHITEOUT) {
        EntryPath hidden = p.parent().child(p.name().substring(4));
        removeSubtree(hidden, true);
      } else if (k == Kind.OPAQUE) {
        removeSubtree(p.parent(), false);
      }
    }
  }

  private void removeSubtree(EntryPath top, boolean includingTop) {
    tree.keySet().removeIf(q -> q.startsWith(top) && (includingTop || !q.equals(top)));
  }

  /** What would make entry {@code h} (next in the current layer) invalid or ambiguous; empty if fine. */
  List<String> check(TarHeader h) {
    List<String> v = new ArrayList<>();
    EntryPath p = h.path();
    String where = "layer " + layerIndex + " " + p.display() + ": ";
    if (p.isRoot()) {
      if (layerHadRoot) {
        v.add(where + "second root entry in one layer");
      }
      return v;
    }
    if (layerPaths.contains(p)) {
      v.add(where + "same path twice in one layer");
    }
    for (EntryPath a = p.parent(); !a.isRoot(); a = a.parent()) {
      Node n = tree.get(a);
      if (n != null && !n.isDir()) {
        v.add(where + "parent " + a.display() + " is a " + n.type()
            + (layerPaths.contains(a) ? " of this layer" : LOWER_NONDIR_PARENT)
            + (n.type() == EntryType.SYMLINK ? " (runtimes follow it)" : " (runtimes refuse)"));
        for (EntryPath t : layerLinkTargets) {
          if (t.startsWith(a)) {
            v.add(where + "turns " + a.display() + " into a directory after a hard link to " + t.display()
                + " in the same layer (ambiguous)");
          }
        }
      }
    }
    if (!h.type().isDirectory()) {
      for (EntryPath q : layerPaths) {
        if (!q.equals(p) && q.startsWith(p)) {
          v.add(where + "non-directory over this layer's own entry " + q.display());
          break;
        }
      }
    }
    for (EntryPath t : layerLinkTargets) {
      if (t.startsWith(p) && (t.equals(p) || !h.type().isDirectory())) {
        v.add(where + "replaces " + t.display() + " after a hard link to it in the same layer");
      }
    }
    if (h.type() == EntryType.HARDLINK) {
      EntryPath t = h.hardLinkTarget();
      Node tn = tree.get(t);
      if (t.startsWith(p) || p.startsWith(t)) {
        v.add(where + "hard link to itself, below itself or above itself");
      } else if (tn == null) {
        v.add(where + "hard-link target " + t.display() + " missing");
      } else if (tn.isDir()) {
        v.add(where + "hard link to directory " + t.display());
      }
    }
    return v;
  }

  /** Applies entry {@code h} of the current layer (not a whiteout), the doc's way where it defines one. */
  void applyEntry(TarHeader h, byte[] content) {
    EntryPath p = h.path();
    if (p.isRoot()) {
      if (h.type().isDirectory() && !layerHadRoot) {
        root = h;
      }
      layerHadRoot = true;
      return;
    }
    layerPaths.add(p);
    // parents: missing ones are made 0755 0:0; a non-directory parent becomes a directory (doc row)
    List<EntryPath> ancestors = new ArrayList<>();
    for (EntryPath a = p.parent(); !a.isRoot(); a = a.parent()) {
      ancestors.add(0, a);
    }
    for (EntryPath a : ancestors) {
      Node n = tree.get(a);
      if (n == null || !n.isDir()) {
        tree.put(a, new Node(implicitDir(a), null, true));
      }
    }
    Node existing = tree.get(p);
    if (h.type().isDirectory()) {
      if (existing == null || !existing.isDir()) {
        tree.put(p, new Node(h, null));
      } else {
        tree.put(p, new Node(h, null)); // newest explicit entry's attributes; children stay
      }
      return;
    }
    Inode inode;
    if (h.type() == EntryType.HARDLINK) {
      EntryPath t = h.hardLinkTarget();
      Node tn = tree.get(t);
      if (tn == null || tn.isDir() || t.startsWith(p)) {
        return; // dropped (a runtime would fail); violation reported by check()
      }
      inode = tn.inode;
      layerLinkTargets.add(t);
    } else {
      inode = new Inode(h, h.type() == EntryType.FILE ? content : new byte[0]);
    }
    removeSubtree(p, true);
    tree.put(p, new Node(null, inode));
  }

  private TarHeader implicitDir(EntryPath a) {
    return TarHeader.of(a, EntryType.DIRECTORY).withMtime(implicitMtime);
  }

  TarHeader rootOrDefault() {
    return root != null ? root : TarHeader.of(EntryPath.ROOT, EntryType.DIRECTORY).withMtime(implicitMtime);
  }

  /** Non-directory paths grouped by inode, each group sorted, groups sorted: the hard-link structure. */
  static List<List<String>> inodeGroups(Map<EntryPath, ?> byPath, java.util.function.Function<Object, Object> inodeOf) {
    Map<Object, List<String>> groups = new LinkedHashMap<>();
    for (Map.Entry<EntryPath, ?> e : byPath.entrySet()) {
      Object inode = inodeOf.apply(e.getValue());
      if (inode != null) {
        groups.computeIfAbsent(inode, k -> new ArrayList<>()).add(e.getKey().display());
      }
    }
    List<List<String>> out = new ArrayList<>();
    for (List<String> g : groups.values()) {
      g.sort(null);
      out.add(g);
    }
    out.sort((x, y) -> x.get(0).compareTo(y.get(0)));
    return out;
  }

  /** A comparable description of what a path holds: type and the attributes that count. */
  static String describe(TarHeader h, byte[] content) {
    StringBuilder sb = new StringBuilder();
    sb.append(h.type() == EntryType.HARDLINK ? "?HARDLINK" : h.type()).append(' ')
        .append(String.format("%04o", h.mode())).append(' ').append(h.uid()).append(':').append(h.gid())
        .append(" t=").append(h.mtime());
    if (h.type() == EntryType.FILE) {
      sb.append(" '").append(new String(content, java.nio.charset.StandardCharsets.ISO_8859_1)).append('\'');
    }
    if (h.symlinkTarget() != null) {
      sb.append(" -> ").append(h.symlinkTarget());
    }
    if (h.type().isDevice()) {
      sb.append(' ').append(h.devMajor()).append(',').append(h.devMinor());
    }
    for (Map.Entry<String, byte[]> x : h.xattrs().entrySet()) {
      sb.append(" x:").append(x.getKey()).append('=').append(Arrays.toString(x.getValue()));
    }
    return sb.toString();
  }

  /** path to description, for comparison with the merge. */
  Map<String, String> describeAll() {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<EntryPath, Node> e : tree.entrySet()) {
      Node n = e.getValue();
      out.put(e.getKey().display(), n.isDir() ? describe(n.dir, null) : describe(n.inode.header, n.inode.content));
    }
    return out;
  }
}
