package io.oci2squashfs.verify;

import io.oci2squashfs.image.Digester;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Reads a directory tree into a {@link TreeSnapshot}: walked without following symlinks, file
 * content hashed as it streams (never held whole), xattrs of every namespace from {@link
 * GetfattrReader}, hard links known by device and inode number.
 */
public final class DirectoryReader {
  private static final String ATTRIBUTES =
      "unix:mode,uid,gid,size,ino,dev,rdev,nlink,lastModifiedTime";

  private final String getfattr;
  private final boolean unreadableXattrIsEmpty;

  /**
   * @param getfattr the getfattr to run: a path, or a name looked up on PATH
   */
  public DirectoryReader(String getfattr) {
    this(getfattr, false);
  }

  /**
   * @param unreadableXattrIsEmpty take an xattr that is listed but reads as "no such attribute" to
   *     be empty (squashfuse 0.1 serves empty values so)
   */
  DirectoryReader(String getfattr, boolean unreadableXattrIsEmpty) {
    this.getfattr = getfattr;
    this.unreadableXattrIsEmpty = unreadableXattrIsEmpty;
  }

  /**
   * Reads the tree below {@code root}, which must be a directory (a symlink to one is followed).
   */
  public TreeSnapshot read(Path root) throws IOException {
    return read(root, VerifyListener.NONE);
  }

  /** As {@link #read(Path)}, telling {@code listener} how far it has got after each entry. */
  public TreeSnapshot read(Path root, VerifyListener listener) throws IOException {
    Path top = root.toRealPath();
    if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(root + ": not a directory");
    }
    Map<String, SortedMap<String, String>> xattrs =
        GetfattrReader.read(getfattr, top, unreadableXattrIsEmpty);
    List<TreeEntry> entries = new ArrayList<>();
    byte[] buffer = new byte[1 << 16];
    Files.walkFileTree(
        top,
        new SimpleFileVisitor<>() {
          private long bytes;

          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            entries.add(entry(top, dir, xattrs, buffer));
            listener.progress(entries.size(), bytes);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            TreeEntry e = entry(top, file, xattrs, buffer);
            entries.add(e);
            if (e.kind() == FileKind.FILE) {
              bytes += e.size();
            }
            listener.progress(entries.size(), bytes);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            throw e;
          }
        });
    return TreeSnapshot.of(entries);
  }

  private static TreeEntry entry(
      Path top, Path p, Map<String, SortedMap<String, String>> xattrs, byte[] buffer)
      throws IOException {
    String path = p.equals(top) ? "/" : "/" + top.relativize(p);
    Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    FileKind kind = FileKind.ofMode(mode);
    long size = kind == FileKind.FILE ? (Long) a.get("size") : 0;
    String sha256 = kind == FileKind.FILE ? sha256(p, buffer) : null;
    String target = kind == FileKind.SYMLINK ? Files.readSymbolicLink(p).toString() : null;
    long rdev = kind.isDevice() ? (Long) a.get("rdev") : 0;
    int nlink = (Integer) a.get("nlink");
    String linkKey =
        kind != FileKind.DIRECTORY && nlink > 1 ? a.get("dev") + ":" + a.get("ino") : null;
    long mtime = ((FileTime) a.get("lastModifiedTime")).toInstant().getEpochSecond();
    return new TreeEntry(
        path,
        kind,
        mode & 07777,
        unsigned((Integer) a.get("uid")),
        unsigned((Integer) a.get("gid")),
        size,
        sha256,
        target,
        major(rdev),
        minor(rdev),
        xattrs.get(path),
        mtime,
        linkKey);
  }

  private static long unsigned(int id) {
    return id & 0xFFFF_FFFFL;
  }

  /** glibc's gnu_dev_major. */
  static int major(long dev) {
    return (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
  }

  /** glibc's gnu_dev_minor. */
  static int minor(long dev) {
    return (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
  }

  static String sha256(Path file, byte[] buffer) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return Digester.sha256().readAll(in, buffer).digest().hex();
    }
  }
}
