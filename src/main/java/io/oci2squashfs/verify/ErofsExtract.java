package io.oci2squashfs.verify;

import io.oci2squashfs.cleanup.TemporaryPath;
import io.oci2squashfs.exec.Commands;
import io.oci2squashfs.exec.Executables;
import io.oci2squashfs.exec.ToolException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an erofs image without a mount: {@code fsck.erofs --extract=DIR --xattrs} into a private
 * temporary directory (which also checks every file decodes), then {@link DirectoryReader} on it.
 * As root the extraction keeps owners ({@code --preserve}); as another user it cannot, and says so.
 *
 * <p>fsck.erofs 1.8 loses two kinds of xattr, and both are put back here:
 *
 * <ul>
 *   <li>{@code security.capability}: it sets xattrs before it chowns, and the kernel clears file
 *       capabilities on chown. So as root the image is extracted a second time without {@code
 *       --preserve-owner} and the capabilities are read from that copy.
 *   <li>empty values: it fails to read them ({@code failed to get xattr value size of `NAME' @ nid
 *       N}, yet exits 0); each is looked up with {@code dump.erofs --nid=N} and added as empty.
 * </ul>
 */
final class ErofsExtract {
  static final String HINT =
      "install erofs-utils 1.8 or later (scripts/setup builds it), or use --method mount";
  static final String CAPABILITY = "security.capability";
  private static final long TIMEOUT_SECONDS = 6 * 3600;
  private static final Pattern EMPTY_VALUE =
      Pattern.compile("failed to get xattr value size of `(.*)` @ nid (\\d+)");

  private ErofsExtract() {}

  /**
   * Extracts and reads {@code image}.
   *
   * @param notes gets what the user should know: that owners, devices and privileged xattrs could
   *     not be kept
   * @param details gets the quirks corrected as a matter of course
   */
  static TreeSnapshot read(
      Path image,
      VerifyTools tools,
      VerifyListener listener,
      List<String> notes,
      List<String> details)
      throws IOException {
    Path fsck = Commands.require(tools.fsckErofs(), HINT);
    boolean root = isRoot();
    TreeSnapshot tree;
    String stderr;
    try (TemporaryPath dir = TemporaryPath.directory(null, "oci2squashfs-erofs-")) {
      Path out = dir.path().resolve("root");
      listener.step("extracting " + image + " with " + fsck.getFileName());
      stderr = extract(fsck, image, out, root);
      listener.step("reading the extracted image");
      tree = new DirectoryReader(tools.getfattr()).read(out, listener);
    }
    if (!root) {
      notes.add(
          "not root: fsck.erofs extracted the image with your owners, and without the device"
              + " files and the trusted.* and security.* xattrs it may not create; use"
              + " --ignore-ownership, --method mount, or run as root");
    } else {
      Map<String, SortedMap<String, String>> caps = capabilities(fsck, image, tools, listener);
      if (!caps.isEmpty()) {
        tree = withXattrs(tree, caps);
        details.add(
            "fsck.erofs --extract drops security.capability when it sets owners; read "
                + caps.size()
                + " from a second extraction without owners");
      }
    }
    Map<String, SortedMap<String, String>> empty = emptyValues(stderr, image, fsck);
    if (!empty.isEmpty()) {
      tree = withXattrs(tree, empty);
      details.add(
          "fsck.erofs cannot extract empty xattr values; "
              + empty.values().stream().mapToInt(Map::size).sum()
              + " found with dump.erofs and taken as empty");
    }
    return tree;
  }

  private static String extract(Path fsck, Path image, Path out, boolean preserveOwner)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(fsck.toString());
    cmd.add("--extract=" + out);
    cmd.add("--xattrs");
    cmd.add(preserveOwner ? "--preserve-owner" : "--no-preserve-owner");
    cmd.add("--preserve-perms");
    cmd.add(image.toAbsolutePath().toString());
    Commands.Result r = Commands.run(cmd, TIMEOUT_SECONDS);
    if (!r.ok()) {
      throw new ToolException(
          fsck.getFileName().toString(),
          r.exitCode(),
          "could not extract " + image + " (exit " + r.exitCode() + "): " + r.said(),
          HINT);
    }
    return r.stderr();
  }

  /** As root, the security.capability xattrs of a second extraction that keeps no owners. */
  private static Map<String, SortedMap<String, String>> capabilities(
      Path fsck, Path image, VerifyTools tools, VerifyListener listener) throws IOException {
    try (TemporaryPath dir = TemporaryPath.directory(null, "oci2squashfs-erofs-caps-")) {
      Path out = dir.path().resolve("root");
      listener.detail("extracting " + image + " again without owners, for security.capability");
      extract(fsck, image, out, false);
      Map<String, SortedMap<String, String>> all =
          GetfattrReader.read(tools.getfattr(), out.toRealPath(), false);
      Map<String, SortedMap<String, String>> caps = new TreeMap<>();
      for (Map.Entry<String, SortedMap<String, String>> e : all.entrySet()) {
        String cap = e.getValue().get(CAPABILITY);
        if (cap != null) {
          caps.computeIfAbsent(e.getKey(), k -> new TreeMap<>()).put(CAPABILITY, cap);
        }
      }
      return caps;
    }
  }

  /**
   * The empty-valued xattrs fsck.erofs complained of in {@code stderr}, by path, found with {@code
   * dump.erofs --nid}.
   */
  static Map<String, SortedMap<String, String>> emptyValues(String stderr, Path image, Path fsck)
      throws IOException {
    Map<String, SortedMap<String, String>> out = new TreeMap<>();
    Map<Long, List<String>> byNid = parseEmptyValues(stderr);
    if (byNid.isEmpty()) {
      return out;
    }
    Path dump = fsck.resolveSibling("dump.erofs");
    if (!Files.isExecutable(dump)) {
      dump = Executables.find("dump.erofs");
    }
    if (dump == null) {
      throw new ToolException(
          "dump.erofs",
          -1,
          "dump.erofs not found; it is needed to locate xattrs fsck.erofs cannot extract",
          HINT);
    }
    for (Map.Entry<Long, List<String>> e : byNid.entrySet()) {
      Commands.Result r =
          Commands.run(
              List.of(dump.toString(), "--nid=" + e.getKey(), image.toAbsolutePath().toString()),
              120);
      String path = pathOf(r.stdout());
      if (!r.ok() || path == null) {
        throw new ToolException(
            "dump.erofs",
            r.exitCode(),
            "dump.erofs --nid=" + e.getKey() + " " + image + " gave no path: " + r.said(),
            HINT);
      }
      for (String name : e.getValue()) {
        out.computeIfAbsent(path, k -> new TreeMap<>()).put(name, "");
      }
    }
    return out;
  }

  /** {@code nid -> names} from fsck.erofs's "failed to get xattr value size" lines. */
  static Map<Long, List<String>> parseEmptyValues(String stderr) {
    Map<Long, List<String>> out = new TreeMap<>();
    Matcher m = EMPTY_VALUE.matcher(stderr);
    while (m.find()) {
      List<String> names = out.computeIfAbsent(Long.parseLong(m.group(2)), k -> new ArrayList<>());
      if (!names.contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return out;
  }

  /** The {@code Path : /x} line of dump.erofs's inode report. */
  static String pathOf(String dumpOutput) {
    for (String line : dumpOutput.split("\n")) {
      if (line.startsWith("Path : ")) {
        return line.substring("Path : ".length());
      }
    }
    return null;
  }

  /** {@code tree} with the xattrs of {@code extra} added to (or replacing those of) its paths. */
  static TreeSnapshot withXattrs(TreeSnapshot tree, Map<String, SortedMap<String, String>> extra) {
    List<TreeEntry> out = new ArrayList<>(tree.size());
    for (TreeEntry e : tree.entries().values()) {
      SortedMap<String, String> add = extra.get(e.path());
      if (add == null) {
        out.add(e);
      } else {
        SortedMap<String, String> x = new TreeMap<>(e.xattrs());
        x.putAll(add);
        out.add(e.withXattrs(x));
      }
    }
    return TreeSnapshot.of(out);
  }

  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
