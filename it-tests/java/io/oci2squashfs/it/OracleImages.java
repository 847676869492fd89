package io.oci2squashfs.it;

import static io.oci2squashfs.testing.LayerBuilder.layer;

import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.testing.LayerBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-written images for {@link OracleIT}, base layer first.
 *
 * <p>Cases left out because umoci (0.4.7) knowingly differs from {@code docs/semantics.md}:
 *
 * <ul>
 *   <li>Entries below AUFS metadata directories ({@code .wh..wh.plnk/1.2}): umoci only treats the
 *       final path component as a whiteout, so it extracts such children; the doc's row "a bare
 *       {@code .wh.} name, {@code .wh..wh.plnk}, ... and anything below them: AUFS metadata:
 *       dropped" says they go. The metadata entries themselves are in the kitchen sink.
 *   <li>A bare {@code .wh.} name: umoci takes it for a whiteout of the directory holding it ({@code
 *       filepath.Join(dir, "")}) and empties that directory; the same row says it hides nothing.
 *   <li>A whiteout or opaque marker standing <em>after</em> entries of its own layer that lie below
 *       it in directories the layer does not list: umoci keeps every ancestor of a path it
 *       extracted ("upperPaths"), so such a directory keeps the lower layer's mode and owner; the
 *       doc says markers take effect "wherever the marker stands in the tar" and the directory is a
 *       fresh implicit 0755 0:0 one. Markers after entries whose directories are all listed are in
 *       the kitchen sink.
 *   <li>{@code P/child} with no entry for {@code P} over a lower symlink {@code P} (umoci follows
 *       the link; the doc says a single pass cannot and only asks for a warning), or over a lower
 *       regular file (umoci, like runtimes, refuses the layer).
 *   <li>Whiteouts whose directory is a symlink in the lower layers: umoci resolves the directory
 *       through the link, like {@code P/child} above.
 * </ul>
 */
final class OracleImages {
  private OracleImages() {}

  static final byte[] CAP = {
    1, 0, 0, 2, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  };
  static final byte[] BINARY = {0, 1, 2, (byte) 0xff, '\n', '=', 0};
  static final String LONG_DIR = "d".repeat(150) + "/" + "e".repeat(120);
  static final String LONG_FILE = LONG_DIR + "/" + "f".repeat(200);
  static final String LONG_TARGET = "/t".repeat(150);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Every row of the semantics doc that umoci implements, in seven layers; the last two are one
   * blob listed twice.
   */
  static List<LayerBuilder> kitchenSink() {
    LayerBuilder l0 =
        layer()
            .dir(".", 0751) // root entry, first: ours gives it to mksquashfs as -root-*
            .dir("etc")
            .file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
            .mtime(1_600_000_000L)
            .file("etc/shadow", utf8("root:*:1::::::\n"), 0640, 0, 42)
            .mtime(1_600_000_001L)
            // whiteouts of a directory and of a file
            .dir("gone", 0700)
            .file("gone/a", "a")
            .dir("gone/sub")
            .file("gone/sub/b", "b")
            .file("gonefile", "x")
            // opaque directories, marker before and after the layer's entries
            .dir("opqBefore", 0711)
            .xattr("user.keep", "dir xattr")
            .file("opqBefore/old1", "1")
            .dir("opqBefore/sub")
            .file("opqBefore/sub/old2", "2")
            .dir("opqAfter", 0750)
            .file("opqAfter/old", "o")
            .dir("opqAfter/sub", 0700)
            .file("opqAfter/sub/old", "o")
            // whiteout then re-add; whiteout and entry of one name in one layer, both orders
            .file("readd", "v0")
            .file("wsame1", "old")
            .file("wsame2", "old")
            // replacements without whiteouts
            .dir("d2f")
            .file("d2f/x", "x")
            .dir("d2f/y")
            .file("d2f/y/z", "z")
            .file("f2d", "file")
            .symlink("s2d", "etc")
            .fifo("fifo2file")
            // hard links: target whited out, overwritten (in a later layer, and in the link's own
            // layer), surviving, several links to one vanished target, long target name
            .file("tGone", utf8("target gone"), 0751, 5, 6)
            .mtime(1_500_000_000L)
            .xattr("user.t", "gone")
            .hardlink("lGone", "tGone")
            .file("tOver", "old content")
            .mtime(1_400_000_000L)
            .file("tOver2", utf8("old content 2"), 0600, 9, 9)
            .hardlink("lOver2a", "tOver2")
            .hardlink("lOver2b", "./tOver2")
            .file("tKeep", "keep")
            .hardlink("lKeep", "tKeep")
            .file("tMulti", "multi")
            .hardlink("m1", "tMulti")
            .hardlink("m2", "/tMulti")
            // long names and link targets
            .dir("d".repeat(150))
            .dir(LONG_DIR)
            .file(LONG_FILE, "long")
            .mtime(1_234_567_890L)
            .symlink("longTarget", LONG_TARGET)
            .mtime(1_234_567_891L)
            .hardlink("longLink", "./" + LONG_FILE)
            .symlink("d".repeat(150) + "/sym", "../" + "x".repeat(120))
            // modes and owners
            .file("suid", utf8("x"), 04755, 0, 0)
            .file("sgid", utf8("x"), 02711, 3_000_000_000L, 3_000_000_001L)
            .file("allbits", utf8("x"), 07777, 0, 0)
            .dir("tmp", 01777)
            .dir("sgidDir", 02775)
            .owner(70_000, 80_000)
            .file("bigIds", utf8("x"), 0644, 70_000, 4_294_967_294L)
            .file("noperm", utf8("x"), 0000, 1, 1)
            // devices and FIFOs
            .charDevice("null", 1, 3)
            .mode(0666)
            .blockDevice("sda", 8, 0)
            .mode(0660)
            .owner(0, 6)
            .charDevice("bigdev", 254, 70_000)
            .fifo("fifo")
            .mode(0600)
            .owner(7, 7)
            // xattrs, binary, security.capability, trusted.*, replaced and cleared
            .file("ping", "elf")
            .xattr("security.capability", CAP)
            .xattr("user.bin", BINARY)
            .dir("xdir")
            .xattr("trusted.t", "t")
            .xattr("user.d", BINARY)
            .dir("xclear")
            .xattr("user.a", "1")
            .file("xchange", "1")
            .xattr("user.a", "1")
            .symlink("xlink", "ping")
            .xattr("trusted.sym", "s")
            // empty files, odd names, times
            .file("empty", "")
            .file("placeholder", "raw name")
            .rawName(new byte[] {'c', 'a', 'f', (byte) 0xe9})
            .file("sp ace\\and=eq", "odd") // (unsquashfs -pf cannot show a newline in a name)
            .file("ünï cödé", "utf8")
            .file("frac", "x")
            .mtime(new Mtime(1_600_000_000L, 999_999_999))
            // whiteouts stored as a hard link and with content
            .file("wl", "x")
            .file("wc", "x");

    LayerBuilder l1 =
        layer()
            .whiteout("gone")
            .whiteout("gonefile")
            .opaque("opqBefore")
            .file("opqBefore/new", "n")
            .dir("opqAfter")
            .file("opqAfter/new", "n")
            .dir("opqAfter/sub2")
            .file("opqAfter/sub2/x", "x")
            .opaque("opqAfter")
            .whiteout("readd")
            .whiteout("wsame1")
            .file("wsame1", "new")
            .file("wsame2", "new")
            .whiteout("wsame2")
            .file("d2f", "now a file")
            .dir("f2d", 0700)
            .file("f2d/child", "c")
            .dir("s2d")
            .file("fifo2file", "was a fifo")
            .file("deep/er/path/file", "implicit parents")
            .owner(11, 12)
            .whiteout("tGone")
            .hardlink("lOver", "tOver")
            .hardlink("m3", "tMulti")
            .dir("xclear", 0700)
            .file("xchange", "2")
            .xattr("user.b", "2")
            // AUFS metadata: dropped, hides nothing (children excluded, see the class comment)
            .file(".wh..wh.plnk", "")
            .file(".wh..wh.aufs", "")
            .dir(".wh..wh.orph")
            .hardlink(".wh.wl", "etc/passwd")
            .file(".wh.wc", "content")
            .whiteout("neverTop")
            .whiteout("never/was")
            .whiteout("etc/never");

    LayerBuilder empty = layer();
    LayerBuilder whiteoutsOnly = layer().whiteout("tMulti").whiteout("etc/shadow");
    LayerBuilder l4 =
        layer()
            .file("readd", "v4")
            .file("tOver", "new content")
            .file("tOver2", "new content 2")
            .dir("etc", 0700)
            .owner(1, 2);
    LayerBuilder twice =
        layer()
            .dir("twice")
            .file("twice/f", "t")
            .hardlink("twice/h", "twice/f")
            .whiteout("twice/old")
            .file("twice/old", "re-added each time")
            .file("counter", "same");
    return List.of(l0, l1, empty, whiteoutsOnly, l4, twice, twice);
  }

  /**
   * Small images for corners where an implementation could go either way; name -> layers. Bugs we
   * had are pinned by the regression tests in {@link OracleIT}; the same path twice in one layer
   * (the later entry wins, as in umoci) has generators of its own ({@link #sameLayerRepeats}).
   */
  /**
   * Seeded stacks for the doc's row of {@code P/child} over a lower symlink {@code P}: a base of
   * directories and symlinks to them (relative, absolute, through another link, escaping with
   * {@code ..}), then layers that put files, directories, whiteouts and hard links below the links
   * without an entry for the links themselves. Names are fresh per layer, hard links point at base
   * files no layer removes: nothing here is refused by umoci or left to taste by the doc.
   */
  static List<LayerBuilder> throughLowerSymlinks(long seed) {
    java.util.Random r = new java.util.Random(seed);
    List<String> links = BASE_LINKS;
    List<LayerBuilder> layers = new ArrayList<>(List.of(symlinkBase()));
    for (int k = 1; k <= 3; k++) {
      LayerBuilder l = layer();
      if (r.nextInt(3) == 0) {
        l.whiteout(links.get(r.nextInt(links.size())) + "/f0");
      }
      int entries = 1 + r.nextInt(5);
      for (int e = 0; e < entries; e++) {
        String via = links.get(r.nextInt(links.size()));
        switch (r.nextInt(4)) {
          case 0 -> l.file(via + "/n" + k + "_" + e, "L" + k + "E" + e);
          case 1 ->
              l.dir(via + "/dir" + k + "_" + e, 0750)
                  .file(via + "/dir" + k + "_" + e + "/x", "x" + k);
          case 2 -> l.hardlink("h" + k + "_" + e, via + "/f" + (1 + r.nextInt(2)));
          default -> l.hardlink(via + "/h" + k + "_" + e, "d2/f" + (1 + r.nextInt(2)));
        }
      }
      layers.add(l);
    }
    return layers;
  }

  /**
   * As {@link #throughLowerSymlinks}, then a layer that removes or replaces some of the links those
   * names went through (a whiteout, another symlink, a directory with an entry, or a whiteout of
   * the directory holding the link), then one more layer of names through the links left and into
   * what replaced the others. Applied in order, what went through a link stays in its target; the
   * newer layers remove only the link (issue 18: the merge used to drop those entries).
   */
  static List<LayerBuilder> throughLowerSymlinksRemovedLater(long seed) {
    List<LayerBuilder> layers = throughLowerSymlinks(seed);
    java.util.Random r = new java.util.Random(seed * 31 + 7);
    List<String> removable = List.of("l0", "l1", "l2", "l3", "d3/up", "d3/l4", "hl0");
    java.util.Set<String> touched = new java.util.LinkedHashSet<>();
    List<String> newDirs = new ArrayList<>();
    LayerBuilder remove = layer();
    for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
      String link = removable.get(r.nextInt(removable.size()));
      if (!touched.add(link)) {
        continue;
      }
      switch (r.nextInt(4)) {
        case 0 -> remove.whiteout(link);
        case 1 -> remove.symlink(link, "/d2");
        case 2 -> {
          remove.dir(link, 0755).file(link + "/new", "new");
          newDirs.add(link);
        }
        default -> {
          if (touched.add("d3")) {
            remove.whiteout("d3");
          }
        }
      }
    }
    layers.add(remove);
    // links whose whole chain is untouched still lead where they did; names also go into new dirs
    List<String> vias = new ArrayList<>(newDirs);
    for (String via : List.of("l1", "l3", "d3/l4")) {
      if (!touched.contains(via) && !(via.startsWith("d3/") && touched.contains("d3"))) {
        vias.add(via);
      }
    }
    LayerBuilder after = layer();
    for (int e = 0; e < 2 && !vias.isEmpty(); e++) {
      after.file(vias.get(r.nextInt(vias.size())) + "/after" + e, "A" + e);
    }
    layers.add(after);
    return layers;
  }

  /**
   * Names below {@link #symlinkBase()}'s symlinks that reach its directories through them: plain
   * relative, absolute, through another link, escaping with {@code ..}, and below a link to {@code
   * ..}.
   */
  private static final List<String> BASE_LINKS =
      List.of("l0", "l1", "l2", "l3", "d3/up/d1", "d3/l4", "d3/up/l0/sub", "hl0", "d3/hl3");

  /**
   * A base layer of directories d0, d0/sub, d1, d2, d3 with files f0 to f2 each, symlinks to them,
   * and hard links to two of the symlinks, which are symlinks too (S11).
   */
  private static LayerBuilder symlinkBase() {
    LayerBuilder base = layer();
    for (String d : List.of("d0", "d0/sub", "d1", "d2", "d3")) {
      base.dir(d, 0755);
    }
    for (String d : List.of("d0", "d0/sub", "d1", "d2", "d3")) {
      for (int f = 0; f < 3; f++) {
        base.file(d + "/f" + f, d + f);
      }
    }
    return base.symlink("l0", "d0")
        .symlink("l1", "/d1")
        .symlink("l2", "l0/sub")
        .symlink("l3", "../../d2")
        .symlink("d3/up", "..")
        .symlink("d3/l4", "./../d0")
        .hardlink("hl0", "l0")
        .hardlink("d3/hl3", "l3");
  }

  /**
   * Seeded stacks whose layers make symlinks and then, further on in the same tar, put files,
   * directories, whiteouts and hard links below them, and below lower layers' links (some made by
   * earlier layers this way); now and then a layer ends by replacing one of its links with a
   * directory that takes an entry. Extracting in order resolves every name through the links made
   * so far. Names are fresh, hard links point at base files no layer removes, whiteouts at base
   * files nothing links to: umoci refuses none of it. No newer layer removes a link that older
   * entries went through: the merge does not follow those (README, "How we know it is right").
   */
  static List<LayerBuilder> throughOwnLayerSymlinks(long seed) {
    java.util.Random r = new java.util.Random(seed);
    List<LayerBuilder> layers = new ArrayList<>(List.of(symlinkBase()));
    List<String> links = new ArrayList<>(BASE_LINKS);
    List<String> targets = List.of("d0", "/d1", "l0/sub", "../../d2", "./d3/../d0/sub");
    for (int k = 1; k <= 3; k++) {
      LayerBuilder l = layer();
      List<String> own = new ArrayList<>();
      for (int i = 0; i < 1 + r.nextInt(3); i++) {
        String name = "o" + k + "_" + i;
        String target =
            i > 0 && r.nextBoolean()
                ? "o" + k + "_" + (i - 1)
                : targets.get(r.nextInt(targets.size()));
        l.symlink(name, target);
        own.add(name);
      }
      for (int e = 0; e < 2 + r.nextInt(5); e++) {
        String via =
            r.nextInt(3) > 0 ? own.get(r.nextInt(own.size())) : links.get(r.nextInt(links.size()));
        switch (r.nextInt(5)) {
          case 0 -> l.file(via + "/n" + k + "_" + e, "L" + k + "E" + e);
          case 1 ->
              l.dir(via + "/dir" + k + "_" + e, 0750)
                  .file(via + "/dir" + k + "_" + e + "/x", "x" + k);
          case 2 -> l.hardlink("h" + k + "_" + e, via + "/f" + (1 + r.nextInt(2)));
          case 3 -> l.hardlink(via + "/h" + k + "_" + e, "d2/f" + (1 + r.nextInt(2)));
          default -> l.whiteout(via + "/f0");
        }
      }
      if (r.nextInt(4) == 0) {
        String replaced = own.remove(own.size() - 1); // the last: no other link leads through it
        l.dir(replaced, 0750).file(replaced + "/after" + k, "after");
      }
      links.addAll(own);
      layers.add(l);
    }
    return layers;
  }

  /**
   * Seeded stacks whose layers repeat paths and put non-directories over what they made earlier
   * (tar order decides: the later entry wins), over a few names so that repeats are frequent. Kept
   * to what umoci unpacks without error: no entry below a non-directory, no hard link to a
   * directory, and no hard link whose target (or a directory above it) its layer replaces later.
   */
  static List<LayerBuilder> sameLayerRepeats(long seed) {
    return sameLayerRepeats(seed, false);
  }

  /**
   * As {@link #sameLayerRepeats(long)}; with {@code throughOwnSymlinks}, names may also go through
   * symlinks made earlier in the same layer (not replaced since), which extracting in order
   * follows: the generator tracks where they land. Lower layers' symlinks still block names below
   * them.
   */
  static List<LayerBuilder> sameLayerRepeats(long seed, boolean throughOwnSymlinks) {
    java.util.Random r = new java.util.Random(seed);
    String[] names = {"a", "b", "c"};
    java.util.TreeMap<String, Character> now =
        new java.util.TreeMap<>(); // path -> d, f, l (symlink)
    List<LayerBuilder> layers = new ArrayList<>();
    for (int k = 0; k < 2 + r.nextInt(3); k++) {
      LayerBuilder l = layer();
      java.util.Set<String> linkedHere =
          new java.util.HashSet<>(); // targets of this layer's hard links
      Map<String, String> ownLinks =
          new java.util.HashMap<>(); // this layer's symlinks: path to target name
      if (k > 0 && r.nextInt(3) == 0 && !now.isEmpty()) {
        String w = new ArrayList<>(now.keySet()).get(r.nextInt(now.size()));
        l.whiteout(w);
        now.keySet().removeIf(q -> q.equals(w) || q.startsWith(w + "/"));
      }
      for (int e = 0; e < 3 + r.nextInt(8); e++) {
        StringBuilder sb = new StringBuilder(names[r.nextInt(3)]);
        for (int depth = r.nextInt(3); depth > 0; depth--) {
          sb.append('/').append(names[r.nextInt(3)]);
        }
        String name = sb.toString(); // as the entry says it
        String p = name; // where extracting in order puts it
        if (throughOwnSymlinks) {
          for (int i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
            String link = p.substring(0, i);
            if (ownLinks.containsKey(link) && Character.valueOf('l').equals(now.get(link))) {
              int slash = link.lastIndexOf('/');
              String at = (slash < 0 ? "" : link.substring(0, slash + 1)) + ownLinks.get(link);
              p = at + p.substring(i);
              i = at.length();
            }
          }
        }
        String path = p;
        boolean blocked = false;
        for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
          Character t = now.get(path.substring(0, i));
          blocked |= t != null && t != 'd';
        }
        for (String t : linkedHere) {
          blocked |= t.equals(path) || t.startsWith(path + "/");
        }
        if (blocked) {
          continue;
        }
        int op = r.nextInt(10);
        String tag = "L" + k + "E" + e;
        if (op < 3) {
          l.dir(name, r.nextBoolean() ? 0755 : 0700);
        } else if (op < 7) {
          l.file(name, tag);
        } else if (op < 8) {
          l.symlink(name, "t" + tag);
          ownLinks.put(path, "t" + tag);
        } else {
          List<String> files = new ArrayList<>();
          now.forEach(
              (q, t) -> {
                if (t == 'f' && !q.equals(path) && !q.startsWith(path + "/")) {
                  files.add(q);
                }
              });
          if (files.isEmpty()) {
            continue;
          }
          String target = files.get(r.nextInt(files.size()));
          l.hardlink(name, target);
          linkedHere.add(target);
        }
        char type = op < 3 ? 'd' : op < 7 || op >= 8 ? 'f' : 'l';
        if (type != 'd') {
          now.keySet().removeIf(q -> q.startsWith(path + "/"));
        }
        for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
          now.putIfAbsent(path.substring(0, i), 'd');
        }
        if (type != 'd' || now.get(path) == null || now.get(path) != 'd') {
          now.put(path, type);
        }
      }
      layers.add(l);
    }
    return layers;
  }

  static Map<String, List<LayerBuilder>> probes() {
    Map<String, List<LayerBuilder>> p = new LinkedHashMap<>();
    p.put(
        "opaqueMarkerInAMissingDirectory",
        List.of(layer().file("a", "a"), layer().opaque("ghost")));
    p.put("whiteoutBelowARegularFile", List.of(layer().file("f", "f"), layer().whiteout("f/x")));
    p.put(
        "whiteoutThenChildOverALowerFile",
        List.of(layer().file("b", "b"), layer().whiteout("b").file("b/c", "c")));
    p.put(
        "hardLinkToTargetReAddedAfterWhiteoutInItsLayer",
        List.of(
            layer().file("t", "old"), layer().whiteout("t").file("t", "new").hardlink("l", "t")));
    p.put(
        "hardLinkToASymlink", List.of(layer().symlink("s", "target").mtime(77).hardlink("h", "s")));
    p.put(
        "hardLinkToASymlinkThatVanishes",
        List.of(
            layer().symlink("s", "target").mtime(77),
            layer().hardlink("h", "s"),
            layer().whiteout("s")));
    // S11: a hard link to a symlink is another name for the symlink; names below it go through
    p.put(
        "childThroughALowerHardLinkToASymlink",
        List.of(
            layer().dir("real").file("real/a", "a").symlink("s", "real").hardlink("h", "s"),
            layer().file("h/x", "x").dir("h/d").whiteout("h/a")));
    p.put(
        "childThroughAHardLinkToASymlinkInAnotherDirectory",
        List.of(
            layer().dir("d/real").dir("real").symlink("d/s", "real").hardlink("h", "d/s"),
            layer().file("h/x", "x")));
    p.put(
        "childThroughAHardLinkToASymlinkOfItsOwnLayer",
        List.of(
            layer().dir("real").symlink("s", "real").hardlink("h", "s").file("h/x", "x"),
            layer().hardlink("h2", "h").file("h2/y", "y")));
    p.put(
        "childThroughAHardLinkOfItsOwnLayerToALowerSymlink",
        List.of(
            layer().dir("real").file("real/b", "b").symlink("s", "real"),
            layer().hardlink("h", "s").file("h/x", "x").hardlink("k", "h/b")));
    p.put(
        "throughAHardLinkToASymlinkRemovedLater",
        List.of(
            layer().dir("real").file("real/a", "a").file("real/b", "b").symlink("s", "real"),
            layer().hardlink("h", "s"),
            layer().file("h/x", "x").whiteout("h/a").hardlink("k", "h/b"),
            layer().whiteout("h").dir("s").file("s/y", "y")));
    // C17: a redirect learnt before the pass knew the older link its name goes through
    p.put(
        "redirectLearntUnderANameThatLaterGoesThroughALowerLink",
        List.of(
            layer().symlink("c", "t0.1"),
            layer().symlink("c/b", "t3.1"),
            layer().dir("c").file("c/b/a", "a")));
    // C17: a link its own layer removes with a file that a newer layer hides
    p.put(
        "linkRemovedByAHiddenNonDirectoryOfItsOwnLayer",
        List.of(
            layer().symlink("a/c", "t0.0").file("a", "file"),
            layer().fifo("a").dir("a").dir("a/c/b")));
    p.put(
        "hardLinksToFifoAndDevice",
        List.of(layer().fifo("p").hardlink("hp", "p").charDevice("c", 1, 3).hardlink("hc", "c")));
    p.put(
        "hardLinksToVanishedFifoAndDevice",
        List.of(
            layer().fifo("p").mode(0600).charDevice("c", 1, 3),
            layer().hardlink("hp", "p").hardlink("hc", "c"),
            layer().whiteout("p").whiteout("c")));
    p.put(
        "hardLinkChainWhoseTargetsVanish",
        List.of(
            layer().file("t", "t"),
            layer().hardlink("l1", "t"),
            layer().hardlink("l2", "l1"),
            layer().whiteout("t").whiteout("l1")));
    p.put(
        "hardLinkTargetReplacedByADirectory",
        List.of(layer().file("t", "t").hardlink("l", "t"), layer().dir("t").file("t/c", "c")));
    p.put(
        "hardLinkIntoADirectoryMadeOpaque",
        List.of(
            layer().dir("o").file("o/t", "t").xattr("user.x", "1").hardlink("l", "o/t"),
            layer().opaque("o")));
    p.put(
        "hardLinkOfAVanishedTargetBothInOneLayer",
        List.of(
            layer().file("t", "t"),
            layer().hardlink("a", "t").hardlink("b", "a"),
            layer().whiteout("t")));
    p.put(
        "directoryAttributesFromAnOlderLayer",
        List.of(layer().dir("d", 0711).owner(4, 5).xattr("user.d", "d"), layer().file("d/x", "x")));
    p.put(
        "opaqueAndWhiteoutBelowItInOneLayer",
        List.of(
            layer().dir("o").file("o/x", "x").file("o/y", "y"),
            layer().opaque("o").whiteout("o/x").file("o/z", "z")));
    p.put(
        "whiteoutOfADirectoryKeepsSiblingsWithSamePrefix",
        List.of(
            layer().dir("ab").file("ab/x", "x").dir("abc").file("abc/y", "y").file("ab.txt", "t"),
            layer().whiteout("ab")));
    p.put(
        "explicitDirectoryEmptiedByAWhiteout",
        List.of(layer().dir("d", 0700).file("d/f", "f"), layer().whiteout("d/f")));
    p.put(
        "symlinkTargetsWithSpacesAndBackslashes",
        List.of(layer().symlink("s1", "ü n/a").symlink("s2", "a b\\c").symlink("s3", " lead")));
    // two root entries in one layer: as tar, the later one gives the root its attributes
    p.put(
        "twoRootEntriesInOneLayer",
        List.of(layer().dir(".", 0700).owner(3, 4).file("f", "f").dir("./", 0751).owner(5, 6)));
    // tar order within one layer: a file at a path that the layer's own earlier entries made a
    // directory replaces it, and a hard link made before that keeps the old file
    p.put(
        "childThenFileAtItsParentInOneLayer",
        List.of(
            layer().dir("a").file("a/old", "o").dir("n"),
            layer()
                .file("a/b", "x")
                .hardlink("l", "a/b")
                .file("a", "f")
                .file("n/m/k", "k")
                .symlink("n/m", "t")));
    // shrunk from MergeDifferentialTest#sameLayerRepeatsAndReplacements failures, all fixed
    p.put(
        "fileOverItsOwnLayersDirectoryThenANewerDirectory",
        List.of(layer().file("b/b/c", "c").file("b/b", "f"), layer().dir("b/b", 0700)));
    p.put(
        "symlinkThenDirectoryInOneLayerOverALowerTree",
        List.of(layer().file("b/b", "x"), layer().symlink("b", "t").dir("b", 0750)));
    p.put(
        "directoryThenFileInOneLayerIsAHardLinkTarget",
        List.of(
            layer().dir("a").file("a", "f"),
            layer().hardlink("c/b/b", "a"),
            layer().dir("a", 0711)));
    p.put(
        "symlinkBelowADirectoryTheLayerThenReplaces",
        List.of(
            layer().symlink("c/b", "t").file("c", "f").dir("c", 0750), layer().file("c/b/b", "x")));
    p.put(
        "hardLinkChainThroughATargetReplacedBetween",
        List.of(
            layer()
                .file("c/b", "")
                .hardlink("c/a", "c/b")
                .symlink("c/b", "t")
                .hardlink("a", "c/a")
                .file("c", "f")));
    p.put(
        "hardLinksToTwoEntriesAtOnePathInOneLayer",
        List.of(
            layer()
                .symlink("a/c", "one")
                .hardlink("b", "a/c")
                .symlink("a/c", "two")
                .hardlink("a/b", "a/c")
                .dir("a/c")));
    p.put(
        "loneOpaqueMarkerForAMissingDirectory",
        List.of(layer().file("x", "x"), layer().opaque("d").opaque("p/q")));
    // the doc's row for P/child over a lower symlink P: runtimes (umoci here) go through the link
    p.put(
        "usrmergeChildOverALowerSymlink",
        List.of(
            layer().dir("usr").dir("usr/lib").file("usr/lib/a", "a").symlink("lib", "usr/lib"),
            layer().file("lib/libx.so", "x").hardlink("lib/liby.so", "lib/libx.so")));
    p.put(
        "childrenThroughAbsoluteAndChainedLowerSymlinks",
        List.of(
            layer()
                .dir("opt/usr/lib")
                .symlink("usr", "/opt/usr")
                .symlink("lib", "usr/lib")
                .symlink("up", "../.."),
            layer().file("lib/x", "x").file("up/top", "t"),
            layer().file("lib/y", "y")));
    // a hard-link target named through a lower symlink, and a hard link to a symlink to a file
    p.put(
        "hardLinkThroughALowerSymlink",
        List.of(
            layer().dir("usr/lib").file("usr/lib/x", "x").symlink("lib", "usr/lib"),
            layer().hardlink("h", "lib/x")));
    // a symlink of the layer removed by a later non-directory above it leads nowhere after that
    p.put(
        "ownLayerSymlinkRemovedWithItsParent",
        List.of(
            layer()
                .dir("t")
                .symlink("c/a", "../t")
                .file("c", "f")
                .dir("c", 0700)
                .file("c/a/b", "b")));
    p.put(
        "hardLinkToASymlinkToAFile",
        List.of(layer().file("f", "data").symlink("s", "f").hardlink("h", "s")));
    p.put(
        "whiteoutAndOpaqueThroughALowerSymlink",
        List.of(
            layer()
                .dir("usr/lib")
                .file("usr/lib/a", "a")
                .file("usr/lib/b", "b")
                .dir("usr/share/d")
                .file("usr/share/d/c", "c")
                .symlink("lib", "usr/lib")
                .symlink("share", "usr/share"),
            layer().whiteout("lib/a").opaque("share/d").file("share/d/n", "n")));
    return p;
  }
}
