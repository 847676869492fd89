package io.oci2squashfs.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Random layers, merged newest first by {@link LayerMerger}, against {@link OldestFirstModel}
 * applying them oldest first. Fixed seeds. The generator makes only layers a container runtime
 * would accept (no violation in the model's sense); it works on a three-name, three-level namespace
 * so that paths collide often across layers, with directories, files (some empty), symlinks, FIFOs,
 * devices, hard links (to the layer's own or lower entries, to links, to symlinks), whiteouts (some
 * stored as hard links or with content), opaque markers (at the root too), AUFS metadata, root
 * entries, xattrs and the same layer blob listed twice.
 *
 * <p>On a mismatch the case is shrunk (drop layers, drop entries, keeping it valid and failing) and
 * printed.
 */
class MergeDifferentialTest {
  private static final String[] NAMES = {"a", "b", "c"};
  private static final int[] MODES = {0755, 0700, 0644, 0600, 04755, 01777};

  /** Multiplies every run's case count: {@code mvn test -Ddifferential.scale=20} for a long run. */
  private static final int SCALE = Integer.getInteger("differential.scale", 1);

  /** Generator knobs. */
  record Options(
      int maxLayers,
      int maxEntries,
      boolean roots,
      boolean dupLayers,
      boolean childOverLowerNonDir,
      boolean sameLayerRepeats) {
    static final Options DEFAULT = new Options(5, 8, true, true, false, false);

    /**
     * Also the doc's rows for P/child over a lower file, device, FIFO or symlink P (runtimes refuse
     * or differ).
     */
    static final Options EXTENDED = new Options(5, 8, true, true, true, false);

    /**
     * Also a path twice in one layer, a non-directory over the layer's own earlier entries, and a
     * hard link to what its layer replaces later: tar order, the later entry wins.
     */
    static final Options REPEATS = new Options(4, 8, true, true, false, true);

    Options(
        int maxLayers,
        int maxEntries,
        boolean roots,
        boolean dupLayers,
        boolean childOverLowerNonDir) {
      this(maxLayers, maxEntries, roots, dupLayers, childOverLowerNonDir, false);
    }
  }

  // ---------------------------------------------------------------- tests

  /** Random layer stacks, each merged and compared with applying them oldest first. */
  @Test
  void randomLayersMatchTheOldestFirstModel() {
    run(0, 10_000 * SCALE, Options.DEFAULT, c -> true);
  }

  /** Small cases, many seeds: the shrunk failures of the big run tend to live here. */
  @Test
  void smallCases() {
    run(1_000_000, 20_000 * SCALE, new Options(3, 4, true, true, false), c -> true);
  }

  /**
   * With the doc's rows for a newer {@code P/child} over a lower non-directory {@code P}: the model
   * makes {@code P} a directory, or for a symlink (or a hard link to one) goes through it as
   * runtimes do (the merge follows it in a later pass), also when a newer layer removes or replaces
   * the link afterwards. Warnings are expected here and not checked.
   */
  @Test
  void childOverLowerNonDirectoryRows() {
    run(2_000_000, 10_000 * SCALE, Options.EXTENDED, c -> true);
  }

  /**
   * With a path repeated within a layer and a non-directory over what the layer's own earlier
   * entries made: tar order, the later entry wins (the merge takes another pass to know it).
   */
  @Test
  void sameLayerRepeatsAndReplacements() {
    run(3_000_000, 10_000 * SCALE, Options.REPEATS, c -> true);
  }

  // ---------------------------------------------------------------- driver

  private void run(long firstSeed, int cases, Options o, Predicate<List<MemoryLayer>> include) {
    int checked = 0;
    int throughHardLinks = 0;
    List<String> failures = new ArrayList<>();
    for (long seed = firstSeed; seed < firstSeed + cases; seed++) {
      List<MemoryLayer> layers = generate(new Random(seed), o);
      if (!include.test(layers)) {
        continue;
      }
      checked++;
      if (OldestFirstModel.apply(layers).followedAHardLinkedSymlink()) {
        throughHardLinks++;
      }
      String diff = compare(layers, o);
      if (diff != null) {
        if (failures.size() < 3) {
          List<MemoryLayer> small = shrink(layers, include, o);
          failures.add(
              "seed "
                  + seed
                  + ": "
                  + compare(small, o)
                  + "\nshrunk case:\n"
                  + show(small)
                  + "\nexpected (oldest first):\n"
                  + OldestFirstModel.apply(small).describeAll());
        } else {
          failures.add("seed " + seed);
        }
      }
    }
    if (!failures.isEmpty()) {
      fail(
          failures.size()
              + " of "
              + checked
              + " cases differ; first ones:\n"
              + String.join("\n\n", failures.subList(0, Math.min(4, failures.size()))));
    }
    System.out.println(
        "differential: seeds "
            + firstSeed
            + ".."
            + (firstSeed + cases - 1)
            + ", "
            + checked
            + " cases checked ("
            + throughHardLinks
            + " with names through a hard link to a symlink), "
            + (cases - checked)
            + " left out");
    // the filter must leave most of the run
    assertEquals(true, checked > cases / 2, "only " + checked + " of " + cases + " cases checked");
  }

  /** Null when the merge matches the model, else what differs. */
  static String compare(List<MemoryLayer> layers, Options o) {
    OldestFirstModel model = OldestFirstModel.apply(layers);
    if (!acceptable(model.violations, o)) {
      return "invalid case: " + model.violations;
    }
    MergeRecorder rec;
    try {
      rec = MergeRecorder.mergeFollowing(layers); // as the converter merges
    } catch (Exception | AssertionError e) {
      return "merge threw " + e;
    }
    StringBuilder sb = new StringBuilder();
    if (!rec.problems.isEmpty()) {
      sb.append("stream invariants broken: ").append(rec.problems).append('\n');
    }
    Map<String, String> want = model.describeAll();
    Map<String, String> got = rec.describeAll();
    if (!want.equals(got)) {
      Map<String, String> d = new TreeMap<>();
      for (String k : want.keySet()) {
        if (!Objects.equals(want.get(k), got.get(k))) {
          d.put(k, "want " + want.get(k) + " | got " + got.get(k));
        }
      }
      for (String k : got.keySet()) {
        if (!want.containsKey(k)) {
          d.put(k, "want (absent) | got " + got.get(k));
        }
      }
      sb.append("tree differs: ").append(d).append('\n');
    }
    List<List<String>> wantLinks =
        OldestFirstModel.inodeGroups(
            model.tree,
            n -> ((OldestFirstModel.Node) n).isDir() ? null : ((OldestFirstModel.Node) n).inode);
    List<List<String>> gotLinks =
        OldestFirstModel.inodeGroups(
            rec.byPath,
            i -> ((MergedTree.Inode) i).header.type() == EntryType.DIRECTORY ? null : i);
    if (!wantLinks.equals(gotLinks)) {
      sb.append("inodes differ: want ")
          .append(wantLinks)
          .append(" got ")
          .append(gotLinks)
          .append('\n');
    }
    String wantRoot = OldestFirstModel.describe(model.rootOrDefault(), null);
    String gotRoot = OldestFirstModel.describe(rec.result.root(), null);
    if (!wantRoot.equals(gotRoot)) {
      sb.append("root differs: want ")
          .append(wantRoot)
          .append(" got ")
          .append(gotRoot)
          .append('\n');
    }
    if (!rec.warnings.isEmpty() && model.violations.isEmpty()) {
      sb.append("warnings for a valid image: ").append(rec.warnings).append('\n');
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  // ---------------------------------------------------------------- generator

  static List<MemoryLayer> generate(Random r, Options o) {
    List<MemoryLayer> layers = new ArrayList<>();
    OldestFirstModel m = new OldestFirstModel();
    int n = 1 + r.nextInt(o.maxLayers());
    for (int i = 0; i < n; i++) {
      if (o.dupLayers() && i > 0 && r.nextInt(8) == 0) {
        MemoryLayer again = layers.get(r.nextInt(layers.size()));
        OldestFirstModel trial = m.copy();
        trial.applyLayer(again);
        if (acceptable(trial.violations, o)) {
          layers.add(again); // the same blob listed twice
          m = trial;
          continue;
        }
      }
      MemoryLayer l = generateLayer(r, o, m, i);
      m.applyLayer(l);
      layers.add(l);
    }
    return layers;
  }

  private static MemoryLayer generateLayer(
      Random r, Options o, OldestFirstModel committed, int li) {
    OldestFirstModel s = committed.copy();
    List<MemoryLayer.Entry> marks = new ArrayList<>();
    int whiteouts = r.nextInt(10) < 6 ? 0 : 1 + r.nextInt(2);
    for (int i = 0; i < whiteouts; i++) {
      EntryPath hidden = r.nextInt(10) < 7 ? existing(r, s, x -> true) : randomPath(r);
      if (hidden == null) {
        hidden = randomPath(r);
      }
      EntryPath name = hidden.parent().child(".wh." + hidden.name());
      int form = r.nextInt(10);
      if (form == 0) {
        marks.add(
            new MemoryLayer.Entry(
                TarHeader.of(name, EntryType.FILE).asHardLinkTo(randomPath(r)), new byte[0]));
      } else if (form == 1) {
        marks.add(fileEntry(name, "junk".getBytes(StandardCharsets.UTF_8), 0644, 0, 5));
      } else if (form == 2) {
        marks.add(new MemoryLayer.Entry(TarHeader.of(name, EntryType.DIRECTORY), new byte[0]));
      } else {
        marks.add(fileEntry(name, new byte[0], 0644, 0, 5));
      }
    }
    if (r.nextInt(8) == 0) {
      EntryPath d =
          r.nextInt(4) == 0 ? EntryPath.ROOT : existing(r, s, OldestFirstModel.Node::isDir);
      if (d == null) {
        d = randomPath(r);
      }
      EntryPath name = d.isRoot() ? EntryPath.of(".wh..wh..opq") : d.child(".wh..wh..opq");
      marks.add(fileEntry(name, new byte[0], 0644, 0, 5));
    }
    if (r.nextInt(15) == 0) {
      String[] aufs = {
        ".wh..wh.plnk/" + NAMES[r.nextInt(3)],
        ".wh..wh.aufs",
        ".wh..wh.orph",
        ".wh.",
        NAMES[r.nextInt(3)] + "/.wh.",
        ".wh..wh.plnk/.wh." + NAMES[r.nextInt(3)]
      };
      marks.add(
          fileEntry(EntryPath.of(aufs[r.nextInt(aufs.length)]), new byte[] {'m'}, 0644, 0, 5));
    }
    if (!o.childOverLowerNonDir()) {
      marks.removeIf(m -> throughSymlink(s, m.header().path())); // the extended rows only
    }
    List<EntryPath> markNames = new ArrayList<>();
    marks.forEach(e -> markNames.add(e.header().path()));
    s.beginLayer(markNames);

    List<MemoryLayer.Entry> entries = new ArrayList<>();
    int count = r.nextInt(o.maxEntries() + 1);
    for (int j = 0; j < count; j++) {
      long mtime = 1000L * (li + 1) + j + 1;
      for (int attempt = 0; attempt < 30; attempt++) {
        MemoryLayer.Entry e = candidate(r, s, mtime, li, j);
        if (e != null && acceptable(s.check(e.header()), o)) {
          s.applyEntry(e.header(), e.content());
          entries.add(e);
          break;
        }
      }
    }
    if (o.roots() && r.nextInt(10) == 0) {
      TarHeader root =
          TarHeader.of(EntryPath.ROOT, EntryType.DIRECTORY)
              .withMode(MODES[r.nextInt(MODES.length)])
              .withOwner(r.nextInt(3), r.nextInt(3))
              .withMtime(Mtime.ofSeconds(1000L * (li + 1)));
      entries.add(
          r.nextInt(4) == 0 ? r.nextInt(entries.size() + 1) : 0,
          new MemoryLayer.Entry(root, new byte[0]));
    }
    for (MemoryLayer.Entry mark : marks) {
      entries.add(r.nextInt(entries.size() + 1), mark);
    }
    MemoryLayer l = MemoryLayer.layer();
    l.entries.addAll(entries);
    return l;
  }

  /** Whether a parent directory of {@code name} is a symlink in the model's tree. */
  private static boolean throughSymlink(OldestFirstModel s, EntryPath name) {
    for (EntryPath a = name.parent(); a != null && !a.isRoot(); a = a.parent()) {
      OldestFirstModel.Node n = s.tree.get(a);
      if (n != null && n.type() == EntryType.SYMLINK) {
        return true;
      }
    }
    return false;
  }

  private static boolean acceptable(List<String> violations, Options o) {
    return violations.stream()
        .allMatch(
            v ->
                o.childOverLowerNonDir() && v.contains(OldestFirstModel.LOWER_NONDIR_PARENT)
                    || o.sameLayerRepeats()
                        && (v.contains(OldestFirstModel.SAME_PATH_TWICE)
                            || v.contains(OldestFirstModel.NONDIR_OVER_OWN)
                            || v.contains(OldestFirstModel.LINKED_THEN_REPLACED)));
  }

  private static MemoryLayer.Entry candidate(
      Random r, OldestFirstModel s, long mtime, int li, int j) {
    EntryPath p;
    int how = r.nextInt(10);
    if (how < 5) {
      p = randomPath(r);
    } else if (how < 8) {
      EntryPath d = existing(r, s, OldestFirstModel.Node::isDir);
      p = d == null || d.components().size() >= 3 ? randomPath(r) : d.child(NAMES[r.nextInt(3)]);
    } else {
      p = existing(r, s, x -> true);
      if (p == null) {
        p = randomPath(r);
      }
    }
    int mode = MODES[r.nextInt(MODES.length)];
    long uid = r.nextInt(3);
    TarHeader h;
    byte[] content = new byte[0];
    int op = r.nextInt(100);
    if (op < 25) {
      h = TarHeader.of(p, EntryType.DIRECTORY).withMode(mode);
    } else if (op < 58) {
      content =
          r.nextInt(6) == 0 ? new byte[0] : ("L" + li + "E" + j).getBytes(StandardCharsets.UTF_8);
      h = TarHeader.of(p, EntryType.FILE).asFile(content.length).withMode(mode);
    } else if (op < 68) {
      h = TarHeader.of(p, EntryType.SYMLINK).withSymlinkTarget("t" + li + "." + j).withMode(0777);
    } else if (op < 90) {
      EntryPath t = existing(r, s, x -> !x.isDir());
      if (t == null) {
        return null;
      }
      h = TarHeader.of(p, EntryType.FILE).asHardLinkTo(t).withMode(mode);
    } else if (op < 95) {
      h = TarHeader.of(p, EntryType.FIFO).withMode(mode);
    } else {
      h = TarHeader.of(p, EntryType.FILE).withDevice(EntryType.CHAR_DEVICE, li, j).withMode(mode);
    }
    h = h.withOwner(uid, uid).withMtime(Mtime.ofSeconds(mtime));
    if (r.nextInt(10) == 0 && h.type() != EntryType.HARDLINK) {
      h = h.withXattrs(Map.of("user.x", new byte[] {(byte) li, (byte) j, (byte) 0xff}));
    }
    return new MemoryLayer.Entry(h, content);
  }

  private static MemoryLayer.Entry fileEntry(
      EntryPath p, byte[] content, int mode, long uid, long mtime) {
    return new MemoryLayer.Entry(
        TarHeader.of(p, EntryType.FILE)
            .asFile(content.length)
            .withMode(mode)
            .withOwner(uid, uid)
            .withMtime(Mtime.ofSeconds(mtime)),
        content);
  }

  private static EntryPath randomPath(Random r) {
    int depth = r.nextInt(10) < 4 ? 1 : r.nextInt(10) < 7 ? 2 : 3;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      if (i > 0) {
        sb.append('/');
      }
      sb.append(NAMES[r.nextInt(NAMES.length)]);
    }
    return EntryPath.of(sb.toString());
  }

  private static EntryPath existing(
      Random r, OldestFirstModel s, Predicate<OldestFirstModel.Node> ok) {
    List<EntryPath> c = new ArrayList<>();
    s.tree.forEach(
        (p, n) -> {
          if (ok.test(n)) {
            c.add(p);
          }
        });
    return c.isEmpty() ? null : c.get(r.nextInt(c.size()));
  }

  // ---------------------------------------------------------------- shrinking and printing

  static List<MemoryLayer> shrink(
      List<MemoryLayer> layers, Predicate<List<MemoryLayer>> include, Options o) {
    List<List<MemoryLayer.Entry>> cur = new ArrayList<>();
    for (MemoryLayer l : layers) {
      cur.add(new ArrayList<>(l.entries));
    }
    boolean progress = true;
    while (progress) {
      progress = false;
      for (int i = 0; i < cur.size() && !progress; i++) {
        List<List<MemoryLayer.Entry>> t = new ArrayList<>(cur);
        t.remove(i);
        if (stillFails(t, include, o)) {
          cur = t;
          progress = true;
        }
      }
      for (int i = 0; i < cur.size() && !progress; i++) {
        for (int j = 0; j < cur.get(i).size() && !progress; j++) {
          List<List<MemoryLayer.Entry>> t = new ArrayList<>(cur);
          List<MemoryLayer.Entry> l = new ArrayList<>(cur.get(i));
          l.remove(j);
          t.set(i, l);
          if (stillFails(t, include, o)) {
            cur = t;
            progress = true;
          }
        }
      }
    }
    return toLayers(cur);
  }

  private static boolean stillFails(
      List<List<MemoryLayer.Entry>> c, Predicate<List<MemoryLayer>> include, Options o) {
    List<MemoryLayer> layers = toLayers(c);
    if (!include.test(layers) || !acceptable(OldestFirstModel.apply(layers).violations, o)) {
      return false;
    }
    return compare(layers, o) != null;
  }

  private static List<MemoryLayer> toLayers(List<List<MemoryLayer.Entry>> c) {
    List<MemoryLayer> out = new ArrayList<>();
    for (List<MemoryLayer.Entry> es : c) {
      MemoryLayer l = MemoryLayer.layer();
      l.entries.addAll(es);
      out.add(l);
    }
    return out;
  }

  static String show(List<MemoryLayer> layers) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < layers.size(); i++) {
      sb.append("  L").append(i).append(':');
      for (MemoryLayer.Entry e : layers.get(i).entries) {
        sb.append("\n    ").append(e.header());
        if (e.header().type() == EntryType.FILE && e.content().length > 0) {
          sb.append(" '").append(new String(e.content(), StandardCharsets.UTF_8)).append('\'');
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
