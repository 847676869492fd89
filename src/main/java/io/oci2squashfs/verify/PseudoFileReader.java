package io.oci2squashfs.verify;

import io.oci2squashfs.cleanup.OnSignal;
import io.oci2squashfs.exec.Commands;
import io.oci2squashfs.exec.OutputTail;
import io.oci2squashfs.exec.ToolException;
import io.oci2squashfs.image.Digester;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a squashfs image into a {@link TreeSnapshot} through {@code unsquashfs -pf -}: no mount, no
 * FUSE, no root. The pseudo file is streamed: its text part (one definition per line) is parsed
 * first, then the file data that follows the {@code # START OF DATA} marker is hashed as it passes,
 * at the offsets the {@code R} lines give; nothing is written to disk.
 *
 * <p>Quirks of unsquashfs 4.6's output that this handles: paths escape spaces, backslashes, quotes
 * and newlines with a backslash (a name with a newline continues on the next line); ids print as
 * signed 32-bit numbers; a symlink target is the raw rest of its line (a newline inside one shows
 * as a line that is no definition, taken to continue the target); an xattr value is the raw rest of
 * its line, printed as text when every byte is printable and as {@code 0t} with {@code \ooo}
 * escapes otherwise. A printable value that itself begins with {@code 0t} and holds an escape is
 * ambiguous in that format; it is read as encoded.
 */
public final class PseudoFileReader {
  static final String HINT = "install squashfs-tools (scripts/setup does)";
  private static final String MARKER = "# START OF DATA - DO NOT MODIFY";

  private final String unsquashfs;

  /**
   * @param unsquashfs the unsquashfs to run: a path, or a name looked up on PATH
   */
  public PseudoFileReader(String unsquashfs) {
    this.unsquashfs = unsquashfs;
  }

  /** Reads the whole image. */
  public TreeSnapshot read(Path image) throws IOException {
    Path exe = Commands.require(unsquashfs, HINT);
    List<String> cmd = List.of(exe.toString(), "-no-progress", "-pf", "-", image.toString());
    Process p = new ProcessBuilder(cmd).start();
    try (OnSignal.Registration r = OnSignal.stopOnSignal(p)) {
      return read(image, p);
    }
  }

  private TreeSnapshot read(Path image, Process p) throws IOException {
    p.getOutputStream().close();
    OutputTail err = new OutputTail(p.getErrorStream(), 8192, "unsquashfs-stderr");
    TreeSnapshot snapshot;
    IOException failure = null;
    try (InputStream in = new BufferedInputStream(p.getInputStream(), 1 << 16)) {
      snapshot = parse(in);
    } catch (IOException e) {
      snapshot = null;
      failure = e;
    } finally {
      if (failure != null) {
        p.destroyForcibly();
      }
    }
    int code;
    try {
      code = p.waitFor();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ToolException("unsquashfs", -1, "interrupted while reading " + image, null, e);
    }
    if (code != 0) {
      // the tool's own words first: a parse error or truncated stream is a symptom of its failure
      throw new ToolException(
          "unsquashfs",
          code,
          "unsquashfs could not read " + image + " (exit " + code + "): " + err.text(),
          null,
          failure);
    }
    if (failure != null) {
      throw new IOException(
          "reading unsquashfs -pf output of " + image + ": " + failure.getMessage(), failure);
    }
    return snapshot;
  }

  /** One inode as the pseudo file defines it; hard links share one. */
  private static final class Node {
    FileKind kind;
    int permissions;
    long uid;
    long gid;
    long size;
    long offset;
    StringBuilder target;
    int major;
    int minor;
    final TreeMap<String, String> xattrs = new TreeMap<>();
    long mtime;
    String linkKey;
    String sha256;
  }

  /** Parses a whole {@code -pf} stream: definitions, marker, data. */
  static TreeSnapshot parse(InputStream in) throws IOException {
    Definitions defs = new Definitions();
    Map<String, Node> byPath = defs.byPath;
    Node lastSymlink = null;
    int lineNo = 0;
    boolean marker = false;
    for (String line; (line = Names.readLine(in)) != null; ) {
      lineNo++;
      while (endsInEscape(line)) { // an escaped newline inside a name
        String more = Names.readLine(in);
        if (more == null) {
          throw new IOException("unsquashfs -pf output ends inside a name at line " + lineNo);
        }
        lineNo++;
        line = line.substring(0, line.length() - 1) + "\n" + more;
      }
      if (line.equals(MARKER)) {
        String hash = Names.readLine(in);
        if (!"#".equals(hash)) {
          throw new IOException("unsquashfs -pf output: no '#' line after the data marker");
        }
        marker = true;
        break;
      }
      if (line.isEmpty() || line.equals("#") || line.startsWith("# ")) {
        lastSymlink = null;
        continue;
      }
      Node linkedTo = lastSymlink;
      lastSymlink = null;
      if (!defs.add(line)) {
        if (linkedTo != null) { // a newline inside a symlink target
          linkedTo.target.append('\n').append(line);
          lastSymlink = linkedTo;
          continue;
        }
        throw new IOException(
            "unsquashfs -pf output line "
                + lineNo
                + " is not a definition I know: "
                + ReportFormatter.visible(
                    new String(
                        line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)));
      }
      if (defs.lastAdded != null && defs.lastAdded.kind == FileKind.SYMLINK && isNewSymlink(line)) {
        lastSymlink = defs.lastAdded;
      }
    }
    if (!marker) {
      throw new IOException("unsquashfs -pf output has no '" + MARKER + "' line");
    }
    hashData(in, byPath.values());
    List<TreeEntry> entries = new ArrayList<>(byPath.size());
    for (Map.Entry<String, Node> e : byPath.entrySet()) {
      Node n = e.getValue();
      entries.add(
          new TreeEntry(
              e.getKey(),
              n.kind,
              n.permissions,
              n.uid,
              n.gid,
              n.kind == FileKind.FILE ? n.size : 0,
              n.sha256,
              n.target == null ? null : Names.decode(n.target.toString()),
              n.major,
              n.minor,
              n.xattrs,
              n.mtime,
              n.linkKey));
    }
    return TreeSnapshot.of(entries);
  }

  private static boolean isNewSymlink(String line) {
    int end = endOfPath(line);
    return end + 2 < line.length() && line.charAt(end + 1) == 'S' && line.charAt(end + 2) == ' ';
  }

  private static boolean endsInEscape(String line) {
    int n = 0;
    for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
      n++;
    }
    return n % 2 == 1;
  }

  /** The definitions read so far, by path in the order given. */
  private static final class Definitions {
    final Map<String, Node> byPath = new LinkedHashMap<>();

    /** The node the last accepted line defined or linked, else null. */
    Node lastAdded;

    boolean add(String line) throws IOException {
      lastAdded = null;
      return definition(line, byPath, this);
    }
  }

  /** Parses one definition into {@code byPath}; false when the line is not one. */
  private static boolean definition(String line, Map<String, Node> byPath, Definitions defs)
      throws IOException {
    int end = endOfPath(line);
    if (end + 2 >= line.length() || line.charAt(end + 2) != ' ' && line.length() != end + 2) {
      return false;
    }
    String path = treePath(line.substring(0, end));
    char type = line.charAt(end + 1);
    String rest = line.substring(Math.min(line.length(), end + 3));
    if (type == 'x') {
      Node n = byPath.get(path);
      int eq = rest.indexOf('=');
      if (n == null || eq <= 0) {
        return false;
      }
      n.xattrs.put(
          Names.decode(rest.substring(0, eq)),
          HexFormat.of().formatHex(xattrValue(rest.substring(eq + 1))));
      return true;
    }
    if (type == 'L') {
      Node target = byPath.get(treePath(unescape(rest)));
      if (target == null || target.kind == FileKind.DIRECTORY) {
        return false;
      }
      byPath.put(path, target);
      defs.lastAdded = target;
      return true;
    }
    String[] f = rest.split(" ", type == 'S' ? 5 : -1);
    try {
      Node n = new Node();
      n.mtime = Long.parseLong(f[0]);
      n.permissions = Integer.parseInt(f[1], 8);
      n.uid = Long.parseLong(f[2]) & 0xFFFF_FFFFL;
      n.gid = Long.parseLong(f[3]) & 0xFFFF_FFFFL;
      if (n.permissions > 07777) {
        return false;
      }
      switch (type) {
        case 'D':
          if (f.length != 4) {
            return false;
          }
          n.kind = FileKind.DIRECTORY;
          break;
        case 'R':
          if (f.length != 7) {
            return false;
          }
          n.kind = FileKind.FILE;
          n.size = Long.parseLong(f[4]);
          n.offset = Long.parseLong(f[5]);
          break;
        case 'S':
          if (f.length != 5) {
            return false;
          }
          n.kind = FileKind.SYMLINK;
          n.target = new StringBuilder(f[4]);
          break;
        case 'B':
        case 'C':
          if (f.length != 6) {
            return false;
          }
          n.kind = type == 'B' ? FileKind.BLOCK_DEVICE : FileKind.CHAR_DEVICE;
          n.major = Integer.parseInt(f[4]);
          n.minor = Integer.parseInt(f[5]);
          break;
        case 'I':
          if (f.length != 5 || !(f[4].equals("f") || f[4].equals("s"))) {
            return false;
          }
          n.kind = f[4].equals("f") ? FileKind.FIFO : FileKind.SOCKET;
          break;
        default:
          return false;
      }
      if (n.kind != FileKind.DIRECTORY) {
        n.linkKey = path;
      }
      if (byPath.putIfAbsent(path, n) != null) {
        throw new IOException("unsquashfs -pf output defines " + path + " twice");
      }
      defs.lastAdded = n;
      return true;
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return false;
    }
  }

  /** The index of the space that ends the escaped path field. */
  private static int endOfPath(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == ' ') {
        return i;
      }
    }
    return line.length();
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c == '\\' && i + 1 < s.length() ? s.charAt(++i) : c);
    }
    return b.toString();
  }

  private static String treePath(String escaped) {
    String raw = unescape(escaped);
    if (raw.equals("/")) {
      return "/";
    }
    return "/" + Names.decode(raw.startsWith("/") ? raw.substring(1) : raw);
  }

  /**
   * An xattr value as printed: raw text, or {@code 0t} with octal escapes when not all printable.
   */
  static byte[] xattrValue(String printed) {
    if (printed.startsWith("0t") && printed.indexOf('\\') >= 0) {
      String decoded = Names.unescapeOctal(printed.substring(2));
      if (!decoded.equals(printed.substring(2))) {
        return decoded.getBytes(StandardCharsets.ISO_8859_1);
      }
    }
    return printed.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Hashes each file's bytes from the data part, in offset order; files of one offset and size
   * share a hash.
   */
  private static void hashData(InputStream in, java.util.Collection<Node> nodes)
      throws IOException {
    java.util.Set<Node> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    List<Node> files = new ArrayList<>();
    for (Node n : nodes) {
      if (n.kind == FileKind.FILE && seen.add(n)) {
        files.add(n);
      }
    }
    files.sort(Comparator.comparingLong((Node n) -> n.offset).thenComparingLong(n -> n.size));
    Map<String, String> done = new HashMap<>();
    byte[] buffer = new byte[1 << 16];
    long pos = 0;
    for (Node n : files) {
      String key = n.offset + "+" + n.size;
      String known = done.get(key);
      if (known != null) {
        n.sha256 = known;
        continue;
      }
      if (n.size == 0) {
        n.sha256 = EMPTY_SHA256;
        continue;
      }
      if (n.offset < pos) {
        throw new IOException(
            "unsquashfs -pf output: file data at offset " + n.offset + " overlaps earlier data");
      }
      skip(in, n.offset - pos);
      Digester md = Digester.sha256();
      for (long left = n.size; left > 0; ) {
        int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (r < 0) {
          throw new EOFException(
              "unsquashfs -pf output ends inside file data (offset "
                  + n.offset
                  + ", size "
                  + n.size
                  + ")");
        }
        md.update(buffer, 0, r);
        left -= r;
      }
      pos = n.offset + n.size;
      n.sha256 = md.digest().hex();
      done.put(key, n.sha256);
    }
    in.transferTo(java.io.OutputStream.nullOutputStream());
  }

  static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static void skip(InputStream in, long n) throws IOException {
    for (long left = n; left > 0; ) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new EOFException("unsquashfs -pf output ends before file data at " + n);
        }
        s = 1;
      }
      left -= s;
    }
  }
}
