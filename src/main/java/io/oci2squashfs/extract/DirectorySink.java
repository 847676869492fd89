package io.oci2squashfs.extract;

import io.oci2squashfs.cleanup.PendingOutput;
import io.oci2squashfs.cleanup.TemporaryPath;
import io.oci2squashfs.exec.Commands;
import io.oci2squashfs.exec.Executables;
import io.oci2squashfs.sink.OutputSink;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Extracts the merged filesystem into a directory, safely: it is built beside the target under a
 * temporary name, renamed into place on {@link #commit()}, and deleted by {@link #close()} without
 * a commit (and on a signal): a {@link PendingOutput}.
 *
 * <p>Nothing the image holds can make it write outside that directory. Every directory on the way
 * to an entry must be one this extraction created itself (so never a symlink from the image,
 * whatever it points to); the entry itself is created exclusively (never opened through an existing
 * symlink); paths have no {@code ..} ({@link EntryPath}); a hard link's target must be a
 * non-directory already extracted, reached through directories made here; symlinks are created,
 * never followed. An entry that breaks these rules fails the extraction with an {@link
 * UnsafeEntryException}: a merged stream never holds one.
 *
 * <p>Kept: content, modes (setuid/setgid/sticky too), mtimes (directories' set last, deepest first,
 * after their children), owners when running as root, xattrs ({@code user.*} through Java, the
 * other namespaces through {@code setfattr} as root), hard links, symlinks, devices and FIFOs
 * (through {@code mknod}/{@code mkfifo}; devices need root). What could not be kept is counted and
 * reported by {@link #warnings()}, never silently dropped.
 */
public final class DirectorySink implements OutputSink {
  private static final int COPY_BUFFER = 128 * 1024;
  private static final long TOOL_TIMEOUT_SECONDS = 300;

  private final PendingOutput output;
  private final Path partial;
  private final TarHeader root;
  private final Mtime allTime;
  private final LocalNames names = LocalNames.ofJvm();
  private final boolean privileged;
  private final long ownUid;
  private final long ownGid;

  /** Every directory made here, explicit or implied; only these may be walked through. */
  private final Set<EntryPath> madeDirs = new HashSet<>();

  /** Explicit directory entries, whose mode and mtime are set at the end. */
  private final Map<EntryPath, TarHeader> dirEntries = new HashMap<>();

  /** Xattrs outside {@code user.*}, set as root with one {@code setfattr --restore} at the end. */
  private final List<PendingXattr> pendingXattrs = new ArrayList<>();

  private final Map<String, Unkept> unkept = new LinkedHashMap<>();
  private final Map<String, Path> tools = new HashMap<>();
  private final byte[] buffer = new byte[COPY_BUFFER];
  private long bytes;

  private record PendingXattr(Path file, String name, byte[] value, EntryPath entry) {}

  /** How many entries lost one kind of thing, and the first of them. */
  private static final class Unkept {
    long count;
    String example;
  }

  private DirectorySink(PendingOutput output, TarHeader root, Long allTime) throws IOException {
    this.output = output;
    this.partial = output.partial();
    this.allTime = allTime == null ? null : Mtime.ofSeconds(allTime);
    this.root = timed(root);
    this.ownUid =
        ((Number) Files.getAttribute(partial, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    this.ownGid =
        ((Number) Files.getAttribute(partial, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue();
    this.privileged = ownUid == 0;
  }

  /**
   * Starts an extraction whose result will be {@code target}.
   *
   * @param root the root directory's attributes, given to the target itself
   * @param allTime when set, every entry's mtime, the root's too
   * @param replace whether a {@code target} that exists and is not an empty directory may be
   *     replaced
   */
  public static DirectorySink start(Path target, TarHeader root, Long allTime, boolean replace)
      throws IOException {
    // private (0700) while it is being filled: nobody else sees a half-made tree
    PendingOutput output = PendingOutput.directory(target.toAbsolutePath().normalize(), replace);
    try {
      return new DirectorySink(output, root, allTime);
    } catch (IOException | RuntimeException e) {
      output.close();
      throw e;
    }
  }

  /** The temporary directory being filled; the target's name once committed. */
  Path partial() {
    return partial;
  }

  private TarHeader timed(TarHeader h) {
    return allTime == null ? h : h.withMtime(allTime);
  }

  @Override
  public void write(TarHeader header, InputStream content) throws IOException {
    if (output.committed()) {
      throw new IllegalStateException("the extraction is over");
    }
    TarHeader h = timed(header);
    EntryPath p = h.path();
    if (p.isRoot()) {
      throw new IllegalArgumentException("the root's attributes are given to start(), not written");
    }
    Path file = names.resolve(partial, p);
    if (file == null) {
      unkept(
          "entries whose names are not valid " + names.charset() + " (run under a UTF-8 locale)",
          p.display());
      drain(h, content);
      return;
    }
    makeParents(p);
    switch (h.type()) {
      case DIRECTORY -> directory(p, file, h);
      case FILE -> file(p, file, h, content);
      case SYMLINK -> symlink(p, file, h);
      case HARDLINK -> hardLink(p, file, h);
      case CHAR_DEVICE, BLOCK_DEVICE, FIFO -> special(p, file, h);
      default -> throw new IllegalArgumentException("unknown entry type " + h.type());
    }
  }

  /**
   * Makes every missing directory above {@code p}; refuses to pass through anything not made here.
   */
  private void makeParents(EntryPath p) throws IOException {
    Deque<EntryPath> missing = new ArrayDeque<>();
    for (EntryPath d = p.parent(); !d.isRoot() && !madeDirs.contains(d); d = d.parent()) {
      missing.push(d);
    }
    while (!missing.isEmpty()) {
      EntryPath d = missing.pop();
      Path dir = names.resolve(partial, d);
      refuseExisting(p, dir, "its parent " + d.display());
      Files.createDirectory(dir);
      madeDirs.add(d);
    }
  }

  private static void refuseExisting(EntryPath entry, Path file, String what) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      String kind =
          Files.isSymbolicLink(file)
              ? "a symlink"
              : Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)
                  ? "a directory that was not written as one"
                  : "not a directory";
      throw new UnsafeEntryException(entry, what + " is " + kind);
    }
  }

  private void directory(EntryPath p, Path dir, TarHeader h) throws IOException {
    if (!madeDirs.contains(p)) {
      refuseExisting(p, dir, "the path");
      Files.createDirectory(dir);
      madeDirs.add(p);
    } else if (dirEntries.containsKey(p)) {
      throw new UnsafeEntryException(p, "it was written twice");
    }
    dirEntries.put(p, h);
    // owner and xattrs now, while the directory is still writable; mode and time once it is filled
    owner(p, dir, h);
    xattrs(p, dir, h, false);
  }

  private void file(EntryPath p, Path file, TarHeader h, InputStream content) throws IOException {
    // CREATE_NEW is O_EXCL: it never opens through a symlink, and fails on anything already there
    try (OutputStream out =
        Files.newOutputStream(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      long left = h.size();
      while (left > 0) {
        int n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new IOException("content of " + p.display() + " ended " + left + " bytes early");
        }
        out.write(buffer, 0, n);
        left -= n;
        bytes += n;
      }
    } catch (FileAlreadyExistsException e) {
      throw new UnsafeEntryException(p, "something is already there");
    }
    metadata(p, file, h);
  }

  private void symlink(EntryPath p, Path link, TarHeader h) throws IOException {
    String target = names.decode(h.symlinkTarget());
    if (target == null || target.isEmpty()) {
      unkept(
          target == null
              ? "symlinks whose targets are not valid " + names.charset()
              : "symlinks with an empty target (Linux has none)",
          p.display());
      return;
    }
    boolean plain;
    try {
      plain = Path.of(target).toString().equals(target);
    } catch (java.nio.file.InvalidPathException e) {
      plain = false;
    }
    try {
      if (plain) {
        Files.createSymbolicLink(link, Path.of(target));
      } else {
        // the JVM would fold "a//b/" into "a/b"; ln keeps the target byte for byte
        run("ln", p, "symlinks", List.of("-sT", "--", target, link.toString()));
        if (!Files.isSymbolicLink(link)) {
          return;
        }
      }
    } catch (FileAlreadyExistsException e) {
      throw new UnsafeEntryException(p, "something is already there");
    }
    owner(p, link, h);
    xattrs(p, link, h, true);
    times(link, h.mtime());
  }

  private void hardLink(EntryPath p, Path link, TarHeader h) throws IOException {
    EntryPath t = h.hardLinkTarget();
    for (EntryPath d = t.parent(); d != null && !d.isRoot(); d = d.parent()) {
      if (!madeDirs.contains(d)) {
        throw new UnsafeEntryException(
            p,
            "its link target "
                + t.display()
                + " is not below directories"
                + " extracted before it");
      }
    }
    Path target = names.resolve(partial, t);
    if (target == null) {
      unkept("hard links whose targets' names are not valid " + names.charset(), p.display());
      return;
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new UnsafeEntryException(
          p, "its link target " + t.display() + " was not extracted before it");
    }
    if (a.isDirectory()) {
      throw new UnsafeEntryException(p, "its link target " + t.display() + " is a directory");
    }
    try {
      Files.createLink(link, target); // link(2) links a symlink itself, never what it points to
    } catch (FileAlreadyExistsException e) {
      throw new UnsafeEntryException(p, "something is already there");
    }
  }

  private void special(EntryPath p, Path file, TarHeader h) throws IOException {
    refuseExisting(p, file, "the path");
    boolean made;
    if (h.type() == EntryType.FIFO) {
      made = run("mkfifo", p, "FIFOs", List.of("-m", "0600", "--", file.toString()));
    } else {
      made =
          run(
              "mknod",
              p,
              privileged ? "devices" : "devices (need root)",
              List.of(
                  "-m",
                  "0600",
                  "--",
                  file.toString(),
                  h.type() == EntryType.CHAR_DEVICE ? "c" : "b",
                  Integer.toString(h.devMajor()),
                  Integer.toString(h.devMinor())));
    }
    if (made) {
      // Opening a FIFO blocks and opening a device may act on it: nothing here opens them, and
      // Java's
      // own mode and time setters would (with NOFOLLOW they open the file to fchmod/futimens it)
      owner(p, file, h);
      for (String name : h.xattrs().keySet()) {
        if (name.startsWith("user.")) {
          unkept(
              "user.* xattrs of devices and FIFOs (Linux allows none)", p.display() + " " + name);
        }
      }
      xattrs(p, file, h.withXattrs(nonUser(h.xattrs())), false);
      mode(file, h.mode());
      Mtime t = h.mtime();
      run(
          "touch",
          p,
          "times of devices and FIFOs",
          List.of(
              "-h",
              "-m",
              "-d",
              String.format(Locale.ROOT, "@%d.%09d", t.seconds(), t.nanos()),
              "--",
              file.toString()));
    }
  }

  private static Map<String, byte[]> nonUser(Map<String, byte[]> xattrs) {
    Map<String, byte[]> kept = new HashMap<>(xattrs);
    kept.keySet().removeIf(n -> n.startsWith("user."));
    return kept;
  }

  /** Runs a tool; a failure is something not kept, not an error. */
  private boolean run(String tool, EntryPath p, String what, List<String> args) throws IOException {
    Path exe = tools.computeIfAbsent(tool, Executables::find);
    if (exe == null) {
      unkept(what + " (" + tool + " not found)", p.display());
      return false;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(exe.toString());
    cmd.addAll(args);
    Commands.Result r = Commands.run(cmd, TOOL_TIMEOUT_SECONDS);
    if (!r.ok()) {
      unkept(what, p.display() + ": " + r.said());
    }
    return r.ok();
  }

  /**
   * Owner, xattrs, mode, time: in this order, since a chown clears setuid bits and capabilities.
   */
  private void metadata(EntryPath p, Path file, TarHeader h) throws IOException {
    owner(p, file, h);
    xattrs(p, file, h, false);
    mode(file, h.mode());
    times(file, h.mtime());
  }

  private void owner(EntryPath p, Path file, TarHeader h) throws IOException {
    if (privileged) {
      Files.setAttribute(file, "unix:uid", (int) h.uid(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(file, "unix:gid", (int) h.gid(), LinkOption.NOFOLLOW_LINKS);
    } else if (h.uid() != ownUid || h.gid() != ownGid) {
      unkept(
          "owners (not running as root; the files are yours)",
          p.display() + " " + h.uid() + ":" + h.gid());
    }
  }

  private void xattrs(EntryPath p, Path file, TarHeader h, boolean symlink) {
    for (Map.Entry<String, byte[]> x : h.xattrs().entrySet()) {
      String name = names.decode(x.getKey());
      if (name == null) {
        unkept("xattrs whose names are not valid " + names.charset(), p.display());
      } else if (name.startsWith("user.")) {
        if (symlink) {
          unkept("user.* xattrs of symlinks (Linux allows none)", p.display() + " " + name);
          continue;
        }
        try {
          Files.getFileAttributeView(
                  file, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .write(name.substring("user.".length()), ByteBuffer.wrap(x.getValue()));
        } catch (IOException | UnsupportedOperationException e) {
          unkept(
              "user.* xattrs (the filesystem refused them)",
              p.display() + " " + name + ": " + e.getMessage());
        }
      } else if (privileged) {
        pendingXattrs.add(new PendingXattr(file, name, x.getValue(), p));
      } else {
        unkept("xattrs outside user.* (need root)", p.display() + " " + name);
      }
    }
  }

  /**
   * chmod by path: never called for a symlink, and every other entry's last component is one this
   * extraction created. (With NOFOLLOW_LINKS the JVM would open the file instead, which blocks on a
   * FIFO.)
   */
  private static void mode(Path file, int mode) throws IOException {
    Files.setAttribute(file, "unix:mode", mode);
  }

  private static void times(Path file, Mtime mtime) throws IOException {
    Files.getFileAttributeView(file, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(FileTime.from(Instant.ofEpochSecond(mtime.seconds(), mtime.nanos())), null, null);
  }

  private void drain(TarHeader h, InputStream content) throws IOException {
    long left = h.type() == EntryType.FILE ? h.size() : 0;
    while (left > 0) {
      int n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        return;
      }
      left -= n;
    }
  }

  private void unkept(String what, String example) {
    Unkept u = unkept.computeIfAbsent(what, k -> new Unkept());
    if (u.count++ == 0) {
      u.example = example;
    }
  }

  @Override
  public long bytesWritten() {
    return bytes;
  }

  /** One line per kind of thing not kept: how many entries lost it, and the first of them. */
  @Override
  public List<String> warnings() {
    List<String> lines = new ArrayList<>();
    unkept.forEach(
        (what, u) ->
            lines.add(
                String.format(
                    Locale.ROOT,
                    "not kept in the directory: %s, %d %s (first: %s)",
                    what,
                    u.count,
                    u.count == 1 ? "entry" : "entries",
                    u.example)));
    return lines;
  }

  /**
   * Sets what had to wait (non-user xattrs, directories' modes and times, the root's attributes)
   * and renames the directory into place.
   *
   * @return an empty string
   */
  @Override
  public String commit(Finish finish) throws IOException {
    if (finish != Finish.NONE) {
      throw new UnsupportedOperationException("a directory takes no finishing step");
    }
    owner(EntryPath.ROOT, partial, root);
    xattrs(EntryPath.ROOT, partial, root, false);
    setPendingXattrs();
    // deepest first, so that a read-only directory is made read-only only once its children are in
    List<EntryPath> dirs = new ArrayList<>(madeDirs);
    dirs.sort(Comparator.comparingInt((EntryPath d) -> d.components().size()).reversed());
    for (EntryPath d : dirs) {
      Path dir = names.resolve(partial, d);
      TarHeader h = dirEntries.get(d);
      if (h == null) { // implied by a child: what the merge gives such directories
        mode(dir, 0755);
        if (allTime != null) {
          times(dir, allTime);
        }
      } else {
        mode(dir, h.mode());
        times(dir, h.mtime());
      }
    }
    mode(partial, root.mode());
    times(partial, root.mtime());
    output.commit();
    return "";
  }

  private void setPendingXattrs() throws IOException {
    if (pendingXattrs.isEmpty()) {
      return;
    }
    Path setfattr = tools.computeIfAbsent("setfattr", Executables::find);
    if (setfattr == null) {
      for (PendingXattr x : pendingXattrs) {
        unkept(
            "xattrs outside user.* (setfattr not found; install the attr package)",
            x.entry().display() + " " + x.name());
      }
      return;
    }
    // one run for all: the getfattr dump format, paths and names octal-escaped, values in hex
    StringBuilder dump = new StringBuilder();
    Path previous = null;
    for (PendingXattr x : pendingXattrs) {
      if (!x.file().equals(previous)) {
        dump.append("\n# file: ").append(escape(x.file().toString())).append('\n');
        previous = x.file();
      }
      dump.append(escape(x.name()))
          .append("=0x")
          .append(java.util.HexFormat.of().formatHex(x.value()))
          .append('\n');
    }
    try (TemporaryPath restore = TemporaryPath.file("oci2squashfs-xattrs", ".txt")) {
      Files.writeString(restore.path(), dump, StandardCharsets.US_ASCII);
      Commands.Result r =
          Commands.run(
              List.of(setfattr.toString(), "-h", "--restore=" + restore.path()),
              TOOL_TIMEOUT_SECONDS);
      if (!r.ok()) {
        unkept("xattrs setfattr could not set", r.said());
      }
    }
  }

  /**
   * Every byte outside printable ASCII, and the backslash, as {@code \ooo}, which setfattr reads
   * back.
   */
  static String escape(String text) {
    StringBuilder sb = new StringBuilder();
    for (byte b : text.getBytes(LocalNames.ofJvm().charset())) {
      int c = b & 0xff;
      if (c > ' ' && c < 0x7f && c != '\\' && c != '=') {
        sb.append((char) c);
      } else {
        sb.append('\\').append(String.format("%03o", c));
      }
    }
    return sb.toString();
  }

  /** Without a successful {@link #commit()}: deletes the partial directory. */
  @Override
  public void close() throws IOException {
    output.close();
  }
}
