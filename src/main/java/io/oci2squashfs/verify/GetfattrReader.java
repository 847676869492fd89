package io.oci2squashfs.verify;

import io.oci2squashfs.cleanup.OnSignal;
import io.oci2squashfs.cleanup.TemporaryPath;
import io.oci2squashfs.exec.Commands;
import io.oci2squashfs.exec.ToolException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every xattr of every path of a tree, in all namespaces ({@code user}, {@code trusted}, {@code
 * security}, ...), read with one {@code getfattr -R -P -h -d -m - -e hex} run: Java's own view sees
 * {@code user.*} only.
 */
final class GetfattrReader {
  static final String HINT =
      "install the 'attr' package (apt-get install attr), or run scripts/setup";

  private GetfattrReader() {}

  /**
   * Reads the xattrs below {@code root} (absolute, normalised, a directory), without following
   * symlinks. Keys are tree paths ({@code /} for the root); values map name to hex. Paths without
   * xattrs are absent.
   *
   * @param unreadableIsEmpty take an attribute that is listed but cannot be read ("No such
   *     attribute") to have an empty value: what squashfuse 0.1 does with empty values
   */
  static Map<String, SortedMap<String, String>> read(
      String getfattr, Path root, boolean unreadableIsEmpty) throws IOException {
    Path exe = Commands.require(getfattr, HINT);
    List<String> cmd =
        List.of(
            exe.toString(),
            "-R",
            "-P",
            "-h",
            "-d",
            "-m",
            "-",
            "-e",
            "hex",
            "--absolute-names",
            root.toString());
    try (TemporaryPath errFile = TemporaryPath.file("oci2squashfs-getfattr-", ".err")) {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errFile.path().toFile());
      pb.environment().put("LC_ALL", "C"); // its error messages are parsed
      Process p = pb.start();
      try (OnSignal.Registration r = OnSignal.stopOnSignal(p)) {
        return read(p, root, errFile.path(), unreadableIsEmpty);
      }
    }
  }

  private static Map<String, SortedMap<String, String>> read(
      Process p, Path root, Path errFile, boolean unreadableIsEmpty) throws IOException {
    p.getOutputStream().close();
    Map<String, SortedMap<String, String>> out;
    try (InputStream in = new BufferedInputStream(p.getInputStream(), 1 << 16)) {
      out = parse(in, root.toString());
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
    int code;
    try {
      code = p.waitFor();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ToolException(
          "getfattr", -1, "interrupted while reading xattrs of " + root, null, e);
    }
    String err = Files.readString(errFile, StandardCharsets.ISO_8859_1);
    if (code != 0) {
      throw new ToolException(
          "getfattr",
          code,
          "getfattr could not read the xattrs of "
              + root
              + " (exit "
              + code
              + "): "
              + firstLines(err.strip()),
          null);
    }
    if (unreadableIsEmpty) {
      addUnreadableAsEmpty(err, root.toString(), out);
    }
    return out;
  }

  /** Lines {@code PATH: NAME: No such attribute} become empty values. */
  static void addUnreadableAsEmpty(
      String stderr, String root, Map<String, SortedMap<String, String>> out) throws IOException {
    String suffix = ": No such attribute";
    for (String line : stderr.split("\n")) {
      if (!line.endsWith(suffix)) {
        continue;
      }
      String rest = line.substring(0, line.length() - suffix.length());
      int sep = rest.lastIndexOf(": ");
      if (sep < 0) {
        continue;
      }
      String name = Names.decode(Names.unescapeOctal(rest.substring(0, sep)));
      String attr = Names.decode(Names.unescapeOctal(rest.substring(sep + 2)));
      out.computeIfAbsent(treePath(name, root), k -> new TreeMap<>()).putIfAbsent(attr, "");
    }
  }

  /** Parses getfattr's dump; {@code root} is the path given to it, as getfattr prints it. */
  static Map<String, SortedMap<String, String>> parse(InputStream in, String root)
      throws IOException {
    Map<String, SortedMap<String, String>> out = new HashMap<>();
    SortedMap<String, String> current = null;
    String rootName =
        root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1) : root;
    for (String line; (line = Names.readLine(in)) != null; ) {
      if (line.startsWith("# file: ")) {
        String name = Names.decode(Names.unescapeOctal(line.substring("# file: ".length())));
        String path = treePath(name, rootName);
        current = out.computeIfAbsent(path, k -> new TreeMap<>());
      } else if (line.isEmpty() || line.startsWith("#")) {
        continue;
      } else {
        if (current == null) {
          throw new IOException("getfattr printed an attribute before any '# file:' line: " + line);
        }
        int eq = line.indexOf('=');
        String attr = Names.decode(Names.unescapeOctal(eq < 0 ? line : line.substring(0, eq)));
        String value = eq < 0 ? "" : line.substring(eq + 1);
        if (value.startsWith("0x")) {
          value = value.substring(2);
        } else if (!value.isEmpty()) {
          throw new IOException(
              "getfattr printed a value that is not hex for " + attr + ": " + value);
        }
        current.put(attr, value.toLowerCase(Locale.ROOT));
      }
    }
    out.values().removeIf(Map::isEmpty);
    return out;
  }

  private static String treePath(String name, String rootPath) throws IOException {
    String root =
        rootPath.endsWith("/") && rootPath.length() > 1
            ? rootPath.substring(0, rootPath.length() - 1)
            : rootPath;
    if (name.equals(root)) {
      return "/";
    }
    if (root.equals("/")) {
      return name;
    }
    if (name.startsWith(root + "/")) {
      return name.substring(root.length());
    }
    throw new IOException("getfattr printed a path outside " + root + ": " + name);
  }

  private static String firstLines(String s) {
    String[] lines = s.split("\n");
    return lines.length <= 3 ? s : String.join("; ", lines[0], lines[1], lines[2]) + " ...";
  }
}
