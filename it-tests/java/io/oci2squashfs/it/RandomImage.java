package io.oci2squashfs.it;

import static io.oci2squashfs.testing.LayerBuilder.layer;

import io.oci2squashfs.testing.LayerBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A seeded generator of layer stacks: random files, directories, symlinks, hard links, FIFOs,
 * devices, whiteouts and opaque markers over a few hundred paths, with random modes, owners, times
 * and xattrs. It keeps a model of the tree as a runtime would have it after each layer so that it
 * only writes layers a runtime accepts and on which umoci agrees with the semantics doc.
 *
 * <p>What it never writes, and why:
 *
 * <ul>
 *   <li>Entries or whiteouts below a path that is a symlink at that point (umoci, like runtimes,
 *       resolves it; the doc only asks us to warn) or below a non-directory without a directory
 *       entry for it (runtimes refuse the layer).
 *   <li>The same path twice in a layer (the doc lets us keep either with a warning), a hard link
 *       before its target in the tar, or to a directory, or to a path absent at that point (umoci
 *       fails on those).
 *   <li>A marker after entries of its layer below it in directories the layer does not list (umoci
 *       keeps the lower directory; see {@link OracleImages}). Markers go first, or last when that
 *       does not matter.
 *   <li>Setgid directories: Linux makes directories created inside them setgid and of their group,
 *       so umoci's implicit parents there are not 0755 0:0.
 *   <li>user.* xattrs on symlinks and special files (Linux refuses them); xattrs on the root.
 *   <li>A root entry anywhere but first in its layer (a documented, warned limitation of ours).
 * </ul>
 *
 * <p>With {@code avoidKnownBugs} (the default of {@link OracleIT}), it also avoids the cases of the
 * {@code BUG} tests in {@link OracleIT}, so that the random runs look for new ones: a directory
 * made again over a non-directory that replaced it with children; a hard link to a lower path that
 * a later entry of the same layer replaces (or replaces a directory above); a hard link back to a
 * path that links to it; and an implicit directory left empty (a last layer gives such directories
 * an entry). Without it ({@code -Doracle.knownBugs=true}) almost every seed fails on one of those.
 */
final class RandomImage {
  private static final String[] NAMES = {"a", "b", "c", "d", "e", "ü n", "L".repeat(110)};
  private static final int[] NAME_WEIGHTS = {6, 6, 5, 4, 3, 1, 1};
  private static final int[] FILE_MODES = {
    0644, 0644, 0755, 0600, 04755, 02711, 06777, 01644, 0000, 0444
  };
  private static final int[] DIR_MODES = {0755, 0755, 0700, 0711, 0750, 01777, 0555, 0777};
  private static final long[] IDS = {
    0, 0, 0, 1, 1000, 65534, 65536, 100_000, 3_000_000_000L, 4_294_967_294L
  };
  private static final String[] TARGETS = {
    "a",
    "../b",
    "/etc/passwd",
    "a/b/c",
    "dangling",
    "/",
    ".",
    "ü n/a",
    "x".repeat(150),
    "/" + "long/".repeat(40)
  };

  private final Random rnd;
  private final boolean avoidKnownBugs;

  /** The tree after the layers so far: path -> type letter (d f l p c b). */
  private final TreeMap<String, Character> state = new TreeMap<>();

  /** Directories of {@link #state} that a visible layer has an entry for. */
  private TreeSet<String> explicitDirs = new TreeSet<>();

  /** Hard links written so far: path -> target (kept loosely: only used to avoid a known bug). */
  private final Map<String, String> linkOf = new java.util.HashMap<>();

  /** Paths a non-directory replaced (no whiteout) while they were directories with children. */
  private final Set<String> dirsReplacedByNonDirs = new HashSet<>();

  private RandomImage(long seed, boolean avoidKnownBugs) {
    this.rnd = new Random(seed);
    this.avoidKnownBugs = avoidKnownBugs;
  }

  /** {@code layers} random layers, base first; the same seed gives the same bytes. */
  static List<LayerBuilder> generate(long seed, int layers, boolean avoidKnownBugs) {
    RandomImage g = new RandomImage(seed, avoidKnownBugs);
    List<LayerBuilder> out = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      out.add(g.nextLayer(i == 0 ? 120 : 10 + g.rnd.nextInt(60)));
    }
    if (avoidKnownBugs) {
      // BUG implicitDirectoryEmptiedByAWhiteout: give such directories an entry
      LayerBuilder fix = null;
      for (Map.Entry<String, Character> e : g.state.entrySet()) {
        String d = e.getKey();
        if (e.getValue() == 'd'
            && !g.explicitDirs.contains(d)
            && !hasBelow(d, g.state.keySet(), Set.of())) {
          fix = fix == null ? layer() : fix;
          fix.dir(d);
        }
      }
      if (fix != null) {
        out.add(fix);
      }
    }
    return out;
  }

  // ---- one layer

  private static final class Marker {
    final String path;
    final boolean opaque;

    Marker(String path, boolean opaque) {
      this.path = path;
      this.opaque = opaque;
    }

    void writeTo(LayerBuilder l) {
      if (opaque) {
        l.opaque(path);
      } else {
        l.whiteout(path);
      }
    }
  }

  private LayerBuilder nextLayer(int adds) {
    TreeMap<String, Character> now = new TreeMap<>(state);
    Set<String> touched = new HashSet<>(); // paths with an entry in this layer
    Set<String> implicit = new HashSet<>(); // directories this layer makes without an entry
    Set<String> linkedLower = new HashSet<>(); // lower paths this layer hard-links to
    List<Consumer<LayerBuilder>> entries = new ArrayList<>();
    TreeSet<String> explicit = new TreeSet<>(explicitDirs);

    Consumer<LayerBuilder> root = null;
    if (rnd.nextInt(8) == 0) {
      int mode = pick(new int[] {0755, 0700, 0750, 0711});
      long uid = pick(IDS);
      long gid = pick(IDS);
      long mtime = time();
      root = l -> l.dir(".", mode).owner(uid, gid).mtime(mtime);
    }

    List<Marker> markers = new ArrayList<>();
    Set<String> marked = new HashSet<>();
    int whiteouts = rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(7);
    for (int i = 0; i < whiteouts; i++) {
      String x = rnd.nextInt(10) < 7 && !state.isEmpty() ? existing(state) : randomPath();
      if (x == null || symlinkAbove(x, state) || !marked.add(x)) {
        continue;
      }
      boolean opaque = rnd.nextInt(10) < 3 && (state.get(x) == null || state.get(x) == 'd');
      markers.add(new Marker(x, opaque));
      removeBelow(now, x, !opaque);
      removeBelow(explicit, x, !opaque);
    }

    for (int i = 0; i < adds; i++) {
      add(entries, now, touched, implicit, linkedLower, explicit);
    }

    LayerBuilder l = layer();
    if (root != null) {
      root.accept(l);
    }
    List<Marker> late = new ArrayList<>();
    for (Marker m : markers) {
      if (rnd.nextInt(3) == 0 && lateIsSafe(m, touched, implicit, now)) {
        late.add(m);
      } else {
        m.writeTo(l);
      }
    }
    entries.forEach(e -> e.accept(l));
    late.forEach(m -> m.writeTo(l));
    state.clear();
    state.putAll(now);
    explicitDirs = explicit;
    return l;
  }

  private void add(
      List<Consumer<LayerBuilder>> l,
      TreeMap<String, Character> now,
      Set<String> touched,
      Set<String> implicit,
      Set<String> linkedLower,
      TreeSet<String> explicit) {
    int k = rnd.nextInt(100);
    char kind =
        k < 35
            ? 'f'
            : k < 55 ? 'd' : k < 68 ? 'l' : k < 90 ? 'h' : k < 94 ? 'p' : k < 97 ? 'c' : 'b';
    String p = randomPath();
    if (touched.contains(p) || implicit.contains(p)) {
      return;
    }
    if (avoidKnownBugs && (linkedLower.contains(p) || hasBelow(p, linkedLower, Set.of()))) {
      return; // BUG hardLinkBeforeItsTargetIsReplacedInTheSameLayer (or a directory above it)
    }
    // every ancestor must be a directory: existing, made explicit, or left implicit
    List<String> parents = ancestors(p);
    List<String> explicitParents = new ArrayList<>();
    Set<String> newImplicit = new HashSet<>();
    for (String a : parents) {
      Character t = now.get(a);
      if (t != null && t == 'd') {
        continue;
      }
      if (t != null) { // a non-directory: only an explicit directory entry may replace it
        if (touched.contains(a) || rnd.nextBoolean()) {
          return;
        }
        if (avoidKnownBugs && dirsReplacedByNonDirs.contains(a)) {
          return; // BUG directoryReplacedByFileThenDirectoryAgain
        }
        if (avoidKnownBugs && (linkedLower.contains(a) || hasBelow(a, linkedLower, Set.of()))) {
          return; // BUG hardLinkBeforeItsTargetIsReplacedInTheSameLayer
        }
        explicitParents.add(a);
      } else if (rnd.nextInt(10) < 6) {
        explicitParents.add(a);
      } else {
        newImplicit.add(a);
      }
    }
    Character old = now.get(p);
    if (old != null && old == 'd' && kind != 'd' && hasBelow(p, touched, implicit)) {
      return; // this layer already put something below p
    }
    if (avoidKnownBugs
        && kind == 'd'
        && dirsReplacedByNonDirs.contains(p)
        && old != null
        && old != 'd') {
      return; // BUG directoryReplacedByFileThenDirectoryAgain
    }
    String target = null;
    if (kind == 'h') {
      List<String> candidates = new ArrayList<>();
      for (Map.Entry<String, Character> e : now.entrySet()) {
        String t = e.getKey();
        if (e.getValue() != 'd'
            && !t.equals(p)
            && !t.startsWith(p + "/")
            && !explicitParents.contains(t)) {
          candidates.add(t);
        }
      }
      if (candidates.isEmpty()) {
        return;
      }
      target = candidates.get(rnd.nextInt(candidates.size()));
      if (avoidKnownBugs && p.equals(linkOf.get(target))) {
        return; // BUG hardLinkBackThroughALinkThatIsReplacedLater
      }
    }
    // commit
    for (String a : explicitParents) {
      l.add(dir(a));
      touched.add(a);
      now.put(a, 'd');
      explicit.add(a);
    }
    for (String a : newImplicit) {
      implicit.add(a);
      now.put(a, 'd');
    }
    if (old != null && !(old == 'd' && kind == 'd')) {
      if (old == 'd' && hasBelow(p, now.keySet(), Set.of())) {
        dirsReplacedByNonDirs.add(p);
      }
      removeBelow(now, p, true);
      removeBelow(explicit, p, true);
    }
    touched.add(p);
    if (kind == 'h') {
      linkOf.put(p, target);
    } else {
      linkOf.remove(p);
    }
    switch (kind) {
      case 'f':
        l.add(file(p));
        now.put(p, 'f');
        break;
      case 'd':
        l.add(dir(p));
        now.put(p, 'd');
        explicit.add(p);
        break;
      case 'l':
        {
          String to = pick(TARGETS);
          long uid = pick(IDS);
          long gid = pick(IDS);
          long mtime = time();
          byte[] x = rnd.nextInt(20) == 0 ? bytes(rnd.nextInt(8)) : null;
          l.add(
              b -> {
                b.symlink(p, to).owner(uid, gid).mtime(mtime);
                if (x != null) {
                  b.xattr("trusted.sym", x);
                }
              });
          now.put(p, 'l');
          break;
        }
      case 'h':
        {
          String spelled =
              rnd.nextInt(4) == 0 ? "/" + target : rnd.nextInt(3) == 0 ? "./" + target : target;
          l.add(b -> b.hardlink(p, spelled));
          if (!touched.contains(target)) {
            linkedLower.add(target);
          }
          now.put(p, now.get(target));
          break;
        }
      default:
        {
          int mode = pick(FILE_MODES) & 0777;
          long uid = pick(IDS);
          long gid = pick(IDS);
          long mtime = time();
          int major = 1 + rnd.nextInt(300);
          int minor = rnd.nextInt(5) == 0 ? rnd.nextInt(1 << 20) : rnd.nextInt(256);
          l.add(
              b -> {
                if (kind == 'p') {
                  b.fifo(p);
                } else if (kind == 'c') {
                  b.charDevice(p, major, minor);
                } else {
                  b.blockDevice(p, major, minor);
                }
                b.mode(mode).owner(uid, gid).mtime(mtime);
              });
          now.put(p, kind);
          break;
        }
    }
  }

  private Consumer<LayerBuilder> dir(String p) {
    int mode = pick(DIR_MODES);
    long uid = pick(IDS);
    long gid = pick(IDS);
    long mtime = time();
    String xattr = rnd.nextInt(5) == 0 ? (rnd.nextBoolean() ? "user.dir" : "trusted.dir") : null;
    byte[] value = bytes(rnd.nextInt(16));
    return b -> {
      b.dir(p, mode).owner(uid, gid).mtime(mtime);
      if (xattr != null) {
        b.xattr(xattr, value);
      }
    };
  }

  private Consumer<LayerBuilder> file(String p) {
    int size =
        rnd.nextInt(10) < 4
            ? rnd.nextInt(64)
            : rnd.nextInt(10) < 9 ? rnd.nextInt(5000) : 100_000 + rnd.nextInt(200_000);
    byte[] line = ("line " + p + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] content = bytes(size);
    if (rnd.nextBoolean()) { // compressible
      for (int i = 0; i < size; i++) {
        content[i] = line[i % line.length];
      }
    }
    int mode = pick(FILE_MODES);
    long uid = pick(IDS);
    long gid = pick(IDS);
    long mtime = time();
    Map<String, byte[]> xattrs = new TreeMap<>();
    if (rnd.nextInt(4) == 0) {
      xattrs.put("user.a", bytes(rnd.nextInt(40)));
      if (rnd.nextBoolean()) {
        xattrs.put("trusted.b", bytes(1 + rnd.nextInt(4)));
      }
      if (rnd.nextInt(3) == 0) {
        xattrs.put("security.capability", OracleImages.CAP);
      }
    }
    return b -> {
      b.file(p, content, mode, uid, gid).mtime(mtime);
      xattrs.forEach(b::xattr);
    };
  }

  // ---- markers

  /**
   * A marker may stand after the layer's entries when no entry is above it and every directory the
   * layer puts below it (the whited-out path itself included) has an entry of its own.
   */
  private static boolean lateIsSafe(
      Marker m, Set<String> touched, Set<String> implicit, Map<String, Character> now) {
    Character t = now.get(m.path);
    if (m.opaque && t != null && t != 'd') {
      return false; // umoci would resolve the directory through the new symlink
    }
    for (String a : ancestors(m.path)) {
      if (touched.contains(a) || implicit.contains(a)) {
        return false;
      }
    }
    for (String i : implicit) {
      if (i.startsWith(m.path + "/") || (!m.opaque && i.equals(m.path))) {
        return false;
      }
    }
    return true;
  }

  // ---- model helpers

  private static void removeBelow(TreeMap<String, Character> tree, String p, boolean andItself) {
    tree.subMap(p + "/", p + "0").clear(); // '0' follows '/'
    if (andItself) {
      tree.remove(p);
    }
  }

  private static void removeBelow(TreeSet<String> set, String p, boolean andItself) {
    set.subSet(p + "/", p + "0").clear();
    if (andItself) {
      set.remove(p);
    }
  }

  private static boolean hasBelow(String p, Set<String> a, Set<String> b) {
    for (String s : a) {
      if (s.startsWith(p + "/")) {
        return true;
      }
    }
    for (String s : b) {
      if (s.startsWith(p + "/")) {
        return true;
      }
    }
    return false;
  }

  private static boolean symlinkAbove(String p, Map<String, Character> tree) {
    for (String a : ancestors(p)) {
      Character t = tree.get(a);
      if (t != null && t == 'l') {
        return true;
      }
    }
    return false;
  }

  /** Proper ancestors, top down, root excluded. */
  private static List<String> ancestors(String p) {
    List<String> out = new ArrayList<>();
    int i = -1;
    while ((i = p.indexOf('/', i + 1)) >= 0) {
      out.add(p.substring(0, i));
    }
    return out;
  }

  private String existing(TreeMap<String, Character> tree) {
    List<String> keys = new ArrayList<>(tree.keySet());
    return keys.isEmpty() ? null : keys.get(rnd.nextInt(keys.size()));
  }

  private String randomPath() {
    int depth = 1 + rnd.nextInt(3);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      if (i > 0) {
        b.append('/');
      }
      b.append(weighted());
    }
    return b.toString();
  }

  private String weighted() {
    int total = 0;
    for (int w : NAME_WEIGHTS) {
      total += w;
    }
    int r = rnd.nextInt(total);
    for (int i = 0; i < NAMES.length; i++) {
      r -= NAME_WEIGHTS[i];
      if (r < 0) {
        return NAMES[i];
      }
    }
    throw new AssertionError();
  }

  private long time() {
    return rnd.nextInt(Integer.MAX_VALUE);
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  private int pick(int[] a) {
    return a[rnd.nextInt(a.length)];
  }

  private long pick(long[] a) {
    return a[rnd.nextInt(a.length)];
  }

  private <T> T pick(T[] a) {
    return a[rnd.nextInt(a.length)];
  }
}
