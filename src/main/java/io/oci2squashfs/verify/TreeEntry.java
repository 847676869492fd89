package io.oci2squashfs.verify;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One path of a tree, with what verify compares. Paths start with {@code /} (the root is {@code
 * "/"}) and are the names as the JVM decodes them.
 *
 * @param permissions the mode's low 12 bits (07777)
 * @param size bytes of content; meaningful for files only (0 otherwise)
 * @param sha256 hex SHA-256 of a file's content; null for other kinds
 * @param symlinkTarget a symlink's target as stored; null for other kinds
 * @param xattrs every extended attribute, name to hex value (no {@code 0x}), sorted by name
 * @param mtime seconds since 1970
 * @param linkKey identifies the inode within its own tree: paths with the same key are hard links
 *     of one another; null when the reader does not know (directories never have one)
 */
public record TreeEntry(
    String path,
    FileKind kind,
    int permissions,
    long uid,
    long gid,
    long size,
    String sha256,
    String symlinkTarget,
    int devMajor,
    int devMinor,
    SortedMap<String, String> xattrs,
    long mtime,
    String linkKey) {
  public TreeEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + path);
    }
    if ((permissions & ~07777) != 0) {
      throw new IllegalArgumentException(
          path + ": permissions beyond 07777: " + Integer.toOctalString(permissions));
    }
    if (kind == FileKind.FILE && sha256 == null) {
      throw new IllegalArgumentException(path + ": a file needs its sha256");
    }
    if (kind == FileKind.SYMLINK && symlinkTarget == null) {
      throw new IllegalArgumentException(path + ": a symlink needs its target");
    }
    xattrs =
        Collections.unmodifiableSortedMap(
            new TreeMap<>(xattrs == null ? Collections.emptySortedMap() : xattrs));
    if (kind == FileKind.DIRECTORY) {
      linkKey = null;
    }
  }

  /** A directory with no xattrs. */
  public static TreeEntry directory(String path, int permissions, long uid, long gid) {
    return new TreeEntry(
        path, FileKind.DIRECTORY, permissions, uid, gid, 0, null, null, 0, 0, null, 0, null);
  }

  /** A regular file with no xattrs, its own inode. */
  public static TreeEntry file(
      String path, int permissions, long uid, long gid, long size, String sha256) {
    return new TreeEntry(
        path, FileKind.FILE, permissions, uid, gid, size, sha256, null, 0, 0, null, 0, path);
  }

  public static TreeEntry symlink(String path, String target) {
    return new TreeEntry(path, FileKind.SYMLINK, 0777, 0, 0, 0, null, target, 0, 0, null, 0, path);
  }

  /** A device, fifo or socket. */
  public static TreeEntry special(
      String path, FileKind kind, int permissions, int major, int minor) {
    return new TreeEntry(path, kind, permissions, 0, 0, 0, null, null, major, minor, null, 0, path);
  }

  public TreeEntry withXattrs(SortedMap<String, String> x) {
    return new TreeEntry(
        path,
        kind,
        permissions,
        uid,
        gid,
        size,
        sha256,
        symlinkTarget,
        devMajor,
        devMinor,
        x,
        mtime,
        linkKey);
  }

  public TreeEntry withOwner(long u, long g) {
    return new TreeEntry(
        path,
        kind,
        permissions,
        u,
        g,
        size,
        sha256,
        symlinkTarget,
        devMajor,
        devMinor,
        xattrs,
        mtime,
        linkKey);
  }

  public TreeEntry withPermissions(int p) {
    return new TreeEntry(
        path,
        kind,
        p,
        uid,
        gid,
        size,
        sha256,
        symlinkTarget,
        devMajor,
        devMinor,
        xattrs,
        mtime,
        linkKey);
  }

  public TreeEntry withMtime(long m) {
    return new TreeEntry(
        path,
        kind,
        permissions,
        uid,
        gid,
        size,
        sha256,
        symlinkTarget,
        devMajor,
        devMinor,
        xattrs,
        m,
        linkKey);
  }

  public TreeEntry withLinkKey(String k) {
    return new TreeEntry(
        path,
        kind,
        permissions,
        uid,
        gid,
        size,
        sha256,
        symlinkTarget,
        devMajor,
        devMinor,
        xattrs,
        mtime,
        k);
  }
}
