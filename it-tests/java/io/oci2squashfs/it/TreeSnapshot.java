package io.oci2squashfs.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Every path of a filesystem tree with the attributes the oracle test compares: type, mode, owner,
 * size, content hash, symlink target, device numbers, mtime, xattrs and hard-link group. Read from
 * a directory with find, sha256sum, stat and getfattr, so that names are raw bytes and every xattr
 * namespace is seen; a squashfs is extracted first. Paths are raw bytes as ISO-8859-1 chars,
 * relative, the root being "".
 */
final class TreeSnapshot {
  /** One path's attributes. Fields that do not apply to its type stay null. */
  static final class Node {
    char type; // d f l c b p (find's letters)
    int mode; // 07777 bits
    long uid;
    long gid;
    Long size; // regular files
    String sha256; // regular files
    String target; // symlinks, as ISO-8859-1 chars
    String device; // "major:minor" for c and b
    long mtime; // whole seconds
    final Map<String, String> xattrs = new TreeMap<>(); // name -> hex value
    Object inode; // equal objects for paths that are one inode
  }

  final Map<String, Node> byPath = new TreeMap<>();

  private TreeSnapshot() {}

  // ---- from a directory on disk

  /** Reads {@code root} with find, sha256sum, stat and getfattr (as root, to see trusted.*). */
  static TreeSnapshot ofDirectory(Path root) throws IOException, InterruptedException {
    String r = root.toAbsolutePath().normalize().toString();
    TreeSnapshot s = new TreeSnapshot();
    List<String> f =
        splitNul(run("find", r, "-printf", "%P\\0%y\\0%m\\0%U\\0%G\\0%s\\0%D:%i\\0%T@\\0%l\\0"));
    for (int i = 0; i + 9 <= f.size(); i += 9) {
      Node n = new Node();
      n.type = f.get(i + 1).charAt(0);
      n.mode = Integer.parseInt(f.get(i + 2), 8);
      n.uid = Long.parseLong(f.get(i + 3));
      n.gid = Long.parseLong(f.get(i + 4));
      if (n.type == 'f') {
        n.size = Long.parseLong(f.get(i + 5));
      }
      n.inode = n.type == 'd' ? null : f.get(i + 6);
      String t = f.get(i + 7);
      n.mtime = Long.parseLong(t.contains(".") ? t.substring(0, t.indexOf('.')) : t);
      if (n.type == 'l') {
        n.target = f.get(i + 8);
      }
      s.byPath.put(f.get(i), n);
    }
    String prefix = r + "/";
    List<String> sums =
        splitNul(run("find", r, "-type", "f", "-exec", "sha256sum", "-z", "{}", "+"));
    for (String line : sums) {
      // "<64 hex>  <name>", unescaped under -z
      s.byPath.get(relative(line.substring(66), prefix)).sha256 = line.substring(0, 64);
    }
    List<String> devs =
        splitNul(
            run(
                "find",
                r,
                "(",
                "-type",
                "c",
                "-o",
                "-type",
                "b",
                ")",
                "-exec",
                "stat",
                "--printf",
                "%n\\0%t\\0%T\\0",
                "{}",
                "+"));
    for (int i = 0; i + 3 <= devs.size(); i += 3) {
      s.byPath.get(relative(devs.get(i), prefix)).device =
          Long.parseLong(devs.get(i + 1), 16) + ":" + Long.parseLong(devs.get(i + 2), 16);
    }
    String xattrs =
        run(
            "find",
            r,
            "-exec",
            "getfattr",
            "-h",
            "-d",
            "-m",
            "-",
            "-e",
            "hex",
            "--absolute-names",
            "{}",
            "+");
    Node current = null;
    for (String line : xattrs.split("\n")) {
      if (line.startsWith("# file: ")) {
        String path = unescapeOctal(line.substring("# file: ".length()));
        current = s.byPath.get(path.equals(r) ? "" : relative(path, prefix));
      } else if (!line.isEmpty()) {
        // name=0xHEX; an empty value has no "=" (hex values never hold one)
        int eq = line.lastIndexOf('=');
        String name = eq < 0 ? line : line.substring(0, eq);
        String value = eq < 0 ? "" : line.substring(eq + 1);
        Objects.requireNonNull(current, "getfattr: an xattr before a file: " + line);
        current.xattrs.put(
            unescapeOctal(name), value.startsWith("0x") ? value.substring(2) : value);
      }
    }
    return s;
  }

  private static String relative(String path, String prefix) {
    if (!path.startsWith(prefix)) {
      throw new IllegalStateException(path + " is not under " + prefix);
    }
    return path.substring(prefix.length());
  }

  /** getfattr writes {@code \ooo} for backslashes and unprintable bytes. */
  private static String unescapeOctal(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 4 <= s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static List<String> splitNul(String s) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    return out;
  }

  /** Runs a tool as C locale; returns stdout as ISO-8859-1 chars (one per byte). */
  static String run(String... cmd) throws IOException, InterruptedException {
    Path err = Files.createTempFile("tool", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
      pb.environment().put("LC_ALL", "C");
      Process p = pb.start();
      p.getOutputStream().close();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      p.getInputStream().transferTo(out);
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + ": timed out");
      }
      if (p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", cmd)
                + ": exit "
                + p.exitValue()
                + ": "
                + Files.readString(err, StandardCharsets.ISO_8859_1));
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  // ---- from a squashfs

  /**
   * A squashfs extracted by {@code unsquashfs -d} (as root: owners, devices, all xattr namespaces
   * and hard links are recreated) and read like any directory, so both trees go through the same
   * code. Not {@link SquashfsContents}: unsquashfs 4.6.1's {@code -pf} listing prints device
   * numbers split the old way (254:70000 as 1118462:112), symlink targets unescaped (which
   * SquashfsContents cuts at the first space), and on some images made from plain directories by
   * mksquashfs itself aborts with heap corruption ("free(): invalid pointer"); extraction has none
   * of these problems.
   */
  static TreeSnapshot ofSquashfs(Path image, Path scratch)
      throws IOException, InterruptedException {
    run("unsquashfs", "-no-progress", "-quiet", "-d", scratch.toString(), image.toString());
    return ofDirectory(scratch);
  }

  // ---- comparing

  /** Paths sharing {@code path}'s inode, itself included; empty when it has no other name. */
  String linkGroup(String path) {
    Object inode = byPath.get(path).inode;
    if (inode == null) {
      return "";
    }
    TreeSet<String> names = new TreeSet<>();
    byPath.forEach(
        (p, n) -> {
          if (inode.equals(n.inode)) {
            names.add(p);
          }
        });
    return names.size() > 1 ? names.toString() : "";
  }

  /**
   * The differences between the oracle's tree and ours, one readable line each: {@code ~ path:
   * field: oracle -> ours}, {@code + path} (only in ours), {@code - path} (only in the oracle).
   * Directory mtimes are not compared (umoci gives implicit directories the time of the unpack),
   * nor is the root's.
   */
  static List<String> diff(TreeSnapshot oracle, TreeSnapshot ours) {
    List<String> out = new ArrayList<>();
    TreeSet<String> all = new TreeSet<>(oracle.byPath.keySet());
    all.addAll(ours.byPath.keySet());
    for (String p : all) {
      Node o = oracle.byPath.get(p);
      Node u = ours.byPath.get(p);
      String shown = show(p);
      if (o == null) {
        out.add("+ " + shown + " (" + u.type + ")");
        continue;
      }
      if (u == null) {
        out.add("- " + shown + " (" + o.type + ")");
        continue;
      }
      field(out, shown, "type", o.type, u.type);
      if (o.type != u.type) {
        continue;
      }
      if (o.type != 'l') { // symlink permissions are not a thing on Linux
        field(out, shown, "mode", Integer.toOctalString(o.mode), Integer.toOctalString(u.mode));
      }
      field(out, shown, "uid", o.uid, u.uid);
      field(out, shown, "gid", o.gid, u.gid);
      field(out, shown, "size", o.size, u.size);
      field(out, shown, "sha256", o.sha256, u.sha256);
      field(out, shown, "target", show(o.target), show(u.target));
      field(out, shown, "device", o.device, u.device);
      if (o.type != 'd') {
        field(out, shown, "mtime", o.mtime, u.mtime);
      }
      field(out, shown, "xattrs", o.xattrs, u.xattrs);
      field(out, shown, "links", oracle.linkGroup(p), ours.linkGroup(p));
    }
    return out;
  }

  private static void field(
      List<String> out, String path, String name, Object oracle, Object ours) {
    if (!Objects.equals(oracle, ours)) {
      out.add("~ " + path + ": " + name + ": " + oracle + " -> " + ours);
    }
  }

  /**
   * A path for a message: raw bytes decoded as UTF-8 where they are valid, long names shortened.
   */
  static String show(String latin1) {
    if (latin1 == null) {
      return null;
    }
    String s =
        latin1.isEmpty()
            ? "/"
            : new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("[^/]{40,}").matcher(s);
    return m.replaceAll(
        r ->
            java.util.regex.Matcher.quoteReplacement(
                r.group().substring(0, 12) + "…(" + r.group().length() + " chars)"));
  }

  /** Fails with the list of differences, if any, one a line. */
  static void assertSame(TreeSnapshot oracle, TreeSnapshot ours, String what) {
    List<String> d = diff(oracle, ours);
    if (d.isEmpty()) {
      return;
    }
    List<String> shown = d.size() <= 150 ? d : new ArrayList<>(d.subList(0, 150));
    if (shown.size() < d.size()) {
      shown.add("... and " + (d.size() - shown.size()) + " more");
    }
    fail(
        what
            + ": "
            + d.size()
            + " difference(s) between umoci (oracle) and our squashfs"
            + " (~ path: field: oracle -> ours, + only in ours, - only in oracle):\n"
            + String.join("\n", shown));
  }
}
