package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The reference: applies layers oldest first, as the OCI spec ("Applying Changesets", "Whiteouts")
 * and docs/semantics.md say, one entry at a time, on a plain map of paths. Written independently of
 * {@link LayerMerger} and {@link Whiteouts}: whiteout names are classified here from the doc's
 * table.
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

  enum Kind {
    ROOT,
    ENTRY,
    WHITEOUT,
    OPAQUE,
    AUFS_META
  }

  private static final Set<String> AUFS_NAMES =
      Set.of(".wh.", ".wh..wh.plnk", ".wh..wh.aufs", ".wh..wh.orph");

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

  /**
   * Marks the violation the doc nonetheless defines: P/child over a lower non-directory P makes P a
   * directory, or, for a symlink P, goes through it into its target.
   */
  static final String LOWER_NONDIR_PARENT = " of a lower layer";

  /** Violations of tar order within one layer that tar (and umoci) settle: the later entry wins. */
  static final String SAME_PATH_TWICE = "same path twice in one layer";

  static final String NONDIR_OVER_OWN = "non-directory over this layer's own entry";
  static final String LINKED_THEN_REPLACED = " after a hard link to it in the same layer";

  /** As Linux's limit on symlinks followed in one lookup. */
  private static final int MAX_HOPS = 40;

  final Map<EntryPath, Node> tree = new TreeMap<>();
  TarHeader root; // newest root entry seen so far (oldest first: the last one applied)
  final List<String> violations = new ArrayList<>();
  private final Mtime implicitMtime;

  /** Lower symlinks some layer's entries went through: path to the node that was there then. */
  private final Map<EntryPath, Node> followed = new HashMap<>();

  /** Paths whose non-directory came from a hard-link entry. */
  private final Set<EntryPath> hardLinkNames = new HashSet<>();

  /** Lower symlinks some layer's entries went through by a hard link's name (S11). */
  private final Set<EntryPath> followedHardLinks = new HashSet<>();

  // per layer
  /** The symlinks of lower layers this layer's entries are resolved through: path to node. */
  private Map<EntryPath, Node> layerLinks = new HashMap<>();

  /** The lower symlinks this layer's entries went through so far. */
  private final Set<EntryPath> layerFollowed = new HashSet<>();

  private int layerIndex = -1;
  private final Set<EntryPath> layerPaths = new HashSet<>();
  private final Set<EntryPath> layerLinkTargets = new HashSet<>();
  private boolean layerHadRoot;

  /** The names of this layer's whiteouts and opaque markers. */
  private final List<EntryPath> layerMarkers = new ArrayList<>();

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
    m.layerMarkers.addAll(layerMarkers);
    m.layerLinks = new HashMap<>(layerLinks);
    m.layerFollowed.addAll(layerFollowed);
    m.followed.putAll(followed);
    m.hardLinkNames.addAll(hardLinkNames);
    m.followedHardLinks.addAll(followedHardLinks);
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
    List<EntryPath> names = new ArrayList<>();
    for (MemoryLayer.Entry e : l.entries) {
      names.add(e.header().path());
    }
    beginLayer(names);
    for (MemoryLayer.Entry e : l.entries) {
      Kind k = classify(e.header().path());
      if (k == Kind.ROOT || k == Kind.ENTRY) {
        violations.addAll(check(e.header()));
        applyEntry(e.header(), e.content());
      }
    }
  }

  /**
   * Starts a layer: its whiteouts and opaque markers act first, wherever they stand in the tar.
   * {@code names} are the layer's names (all of them, or only its markers while it is being made).
   */
  void beginLayer(List<EntryPath> names) {
    layerIndex++;
    layerPaths.clear();
    layerLinkTargets.clear();
    layerHadRoot = false;
    layerMarkers.clear();
    layerFollowed.clear();
    // Runtimes resolve each name's parent directories through the symlinks already there (not
    // through the last component). Those this layer's own whiteouts remove are not followed.
    Map<EntryPath, Node> links = new HashMap<>();
    tree.forEach(
        (q, n) -> {
          if (!n.isDir() && n.inode.header.type() == EntryType.SYMLINK) {
            links.put(q, n);
          }
        });
    for (EntryPath p : names) {
      Kind k = classify(p);
      if (k == Kind.WHITEOUT || k == Kind.OPAQUE) {
        layerMarkers.add(p);
      }
      links.remove(p); // a layer with its own entry at the link's path does not go through it
      EntryPath gone =
          k == Kind.WHITEOUT
              ? p.parent().child(p.name().substring(4))
              : k == Kind.OPAQUE ? p.parent() : null;
      if (gone != null) {
        links.keySet().removeIf(q -> q.startsWith(gone) && (k == Kind.WHITEOUT || !q.equals(gone)));
      }
    }
    layerLinks = links;
    for (EntryPath name : names) {
      Kind named = classify(name);
      if (named != Kind.WHITEOUT && named != Kind.OPAQUE) {
        // entries are resolved as they are applied, in tar order: resolved here, before the
        // layer's own entries replaced a link, they would seem to go through it
        continue;
      }
      EntryPath p = resolve(name, true);
      if (!p.equals(name)) {
        violations.add(
            "layer "
                + layerIndex
                + " "
                + name.display()
                + ": a parent is a SYMLINK"
                + LOWER_NONDIR_PARENT
                + " (runtimes follow it, to "
                + p.display()
                + ")");
      }
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

  /**
   * {@code name} with its parent directories resolved through this layer's lower symlinks, leftmost
   * first, as runtimes do; {@code record} notes the links followed. A link into itself is not
   * followed (the doc's directory row applies).
   */
  EntryPath resolve(EntryPath name, boolean record) {
    EntryPath p = name;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
      EntryPath through = null;
      EntryPath target = null;
      List<EntryPath> ancestors = new ArrayList<>();
      for (EntryPath a = p.parent(); a != null && !a.isRoot(); a = a.parent()) {
        ancestors.add(0, a);
      }
      for (EntryPath a : ancestors) {
        Node link = layerLinks.get(a);
        if (link != null) {
          target = linkTarget(a, link.inode.header.symlinkTarget());
          through = target == null ? null : a;
          break;
        }
      }
      if (through == null) {
        return p;
      }
      if (record) {
        if (hardLinkNames.contains(through)) {
          followedHardLinks.add(through);
        }
        followed.putIfAbsent(through, layerLinks.get(through));
        layerFollowed.add(through);
      }
      String rest = p.raw().substring(through.raw().length() + 1);
      p = target.isRoot() ? EntryPath.of(rest) : EntryPath.of(target.raw() + "/" + rest);
    }
    return p;
  }

  /**
   * Where a symlink leads inside the image (absolute from the root, .. never above it); null into
   * itself.
   */
  private static EntryPath linkTarget(EntryPath link, String raw) {
    List<String> parts =
        new ArrayList<>(raw.startsWith("/") ? List.of() : link.parent().components());
    for (String c : raw.split("/")) {
      if (c.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
      } else if (!c.isEmpty() && !c.equals(".")) {
        parts.add(c);
      }
    }
    EntryPath t = parts.isEmpty() ? EntryPath.ROOT : EntryPath.of(String.join("/", parts));
    return t.startsWith(link) ? null : t;
  }

  /** {@code h} with its path and hard-link target resolved (see {@link #resolve}). */
  TarHeader resolved(TarHeader h, boolean record) {
    if (h.path().isRoot()) {
      return h;
    }
    TarHeader r = h.withPath(resolve(h.path(), record));
    return h.type() == EntryType.HARDLINK ? r.asHardLinkTo(resolve(h.hardLinkTarget(), record)) : r;
  }

  /** Whether any layer's entries went through a lower symlink. */
  boolean followedAnySymlink() {
    return !followed.isEmpty();
  }

  /** Whether any layer's entries went through a hard link that names a symlink (S11). */
  boolean followedAHardLinkedSymlink() {
    return !followedHardLinks.isEmpty();
  }

  /**
   * What would make entry {@code h} (next in the current layer) invalid or ambiguous; empty if
   * fine.
   */
  List<String> check(TarHeader given) {
    List<String> v = new ArrayList<>();
    TarHeader h = resolved(given, false);
    EntryPath p = h.path();
    String where = "layer " + layerIndex + " " + p.display() + ": ";
    if (!p.equals(given.path())) {
      v.add(
          "layer "
              + layerIndex
              + " "
              + given.path().display()
              + ": a parent is a SYMLINK"
              + LOWER_NONDIR_PARENT
              + " (runtimes follow it, to "
              + p.display()
              + ")");
    }
    if (layerFollowed.contains(p)) {
      v.add(
          where
              + "replaces the lower symlink that earlier entries of this layer went through"
              + " (order-dependent)");
    }
    if (p.isRoot()) {
      if (layerHadRoot) {
        v.add(where + "second root entry in one layer");
      }
      return v;
    }
    if (layerPaths.contains(p)) {
      v.add(where + SAME_PATH_TWICE);
    }
    Node named = h.type() == EntryType.HARDLINK ? tree.get(h.hardLinkTarget()) : null;
    if (h.type() == EntryType.SYMLINK || (named != null && named.type() == EntryType.SYMLINK)) {
      for (EntryPath m : layerMarkers) {
        if (!m.parent().isRoot()
            && (m.parent().startsWith(p) || m.parent().startsWith(given.path()))) {
          // extracting in order, a marker after the link goes through it (S7), one before it
          // does not: not modelled here
          v.add(where + "a symlink of this layer above its marker " + m.display() + " (order)");
        }
      }
    }
    for (EntryPath a = p.parent(); !a.isRoot(); a = a.parent()) {
      Node n = tree.get(a);
      if (n != null && !n.isDir()) {
        v.add(
            where
                + "parent "
                + a.display()
                + " is a "
                + n.type()
                + (layerPaths.contains(a) ? " of this layer" : LOWER_NONDIR_PARENT)
                + (n.type() == EntryType.SYMLINK ? " (runtimes follow it)" : " (runtimes refuse)"));
        for (EntryPath t : layerLinkTargets) {
          if (t.startsWith(a)) {
            v.add(
                where
                    + "turns "
                    + a.display()
                    + " into a directory after a hard link to "
                    + t.display()
                    + " in the same layer (ambiguous)");
          }
        }
      }
    }
    if (!h.type().isDirectory()) {
      for (EntryPath q : layerPaths) {
        if (!q.equals(p) && q.startsWith(p)) {
          v.add(where + NONDIR_OVER_OWN + " " + q.display());
          break;
        }
      }
    }
    for (EntryPath t : layerLinkTargets) {
      if (t.startsWith(p) && (t.equals(p) || !h.type().isDirectory())) {
        v.add(where + "replaces " + t.display() + LINKED_THEN_REPLACED);
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

  /**
   * Applies entry {@code h} of the current layer (not a whiteout), the doc's way where it defines
   * one.
   */
  void applyEntry(TarHeader given, byte[] content) {
    TarHeader h = resolved(given, true);
    EntryPath p = h.path();
    layerLinks.remove(p); // later entries of this layer no longer go through it
    if (p.isRoot()) {
      if (h.type().isDirectory()) {
        root = h; // the last one applied: the newest layer's, and within it the later entry
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
    if (h.type() == EntryType.HARDLINK) {
      hardLinkNames.add(p);
    } else {
      hardLinkNames.remove(p);
    }
  }

  private TarHeader implicitDir(EntryPath a) {
    return TarHeader.of(a, EntryType.DIRECTORY).withMtime(implicitMtime);
  }

  TarHeader rootOrDefault() {
    return root != null
        ? root
        : TarHeader.of(EntryPath.ROOT, EntryType.DIRECTORY).withMtime(implicitMtime);
  }

  /**
   * Non-directory paths grouped by inode, each group sorted, groups sorted: the hard-link
   * structure.
   */
  static List<List<String>> inodeGroups(
      Map<EntryPath, ?> byPath, java.util.function.Function<Object, Object> inodeOf) {
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
    sb.append(h.type() == EntryType.HARDLINK ? "?HARDLINK" : h.type())
        .append(' ')
        .append(String.format("%04o", h.mode()))
        .append(' ')
        .append(h.uid())
        .append(':')
        .append(h.gid())
        .append(" t=")
        .append(h.mtime());
    if (h.type() == EntryType.FILE) {
      sb.append(" '")
          .append(new String(content, java.nio.charset.StandardCharsets.ISO_8859_1))
          .append('\'');
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
      out.put(
          e.getKey().display(),
          n.isDir() ? describe(n.dir, null) : describe(n.inode.header, n.inode.content));
    }
    return out;
  }
}
