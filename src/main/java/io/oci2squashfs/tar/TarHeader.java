package io.oci2squashfs.tar;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One tar entry's metadata, independent of the dialect it was read from.
 *
 * @param path normalised path; {@link EntryPath#ROOT} for a root entry
 * @param type entry kind; sparse files are {@link EntryType#FILE} with their real (expanded) size
 * @param mode permission bits, 07777 at most (file-type bits are stripped)
 * @param uid numeric owner; user names are never kept
 * @param gid numeric group
 * @param size content length in bytes; 0 for anything but {@link EntryType#FILE}
 * @param mtime modification time
 * @param symlinkTarget raw target of a {@link EntryType#SYMLINK} (data, never normalised), else
 *     null
 * @param hardLinkTarget normalised target of a {@link EntryType#HARDLINK}, else null
 * @param devMajor device major number (devices only)
 * @param devMinor device minor number (devices only)
 * @param xattrs extended attributes, name (raw) to value bytes, sorted by name
 */
public record TarHeader(
    EntryPath path,
    EntryType type,
    int mode,
    long uid,
    long gid,
    long size,
    Mtime mtime,
    String symlinkTarget,
    EntryPath hardLinkTarget,
    int devMajor,
    int devMinor,
    Map<String, byte[]> xattrs) {

  public TarHeader {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mtime, "mtime");
    if ((mode & ~07777) != 0) {
      throw new IllegalArgumentException(
          "mode has bits beyond 07777: " + Integer.toOctalString(mode));
    }
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("negative uid or gid: " + uid + ":" + gid);
    }
    if (size < 0 || (type != EntryType.FILE && size != 0)) {
      throw new IllegalArgumentException("size " + size + " is invalid for a " + type);
    }
    if ((type == EntryType.SYMLINK) != (symlinkTarget != null)) {
      throw new IllegalArgumentException("symlink target goes with symlinks only");
    }
    if ((type == EntryType.HARDLINK) != (hardLinkTarget != null)) {
      throw new IllegalArgumentException("hard-link target goes with hard links only");
    }
    xattrs =
        xattrs == null || xattrs.isEmpty()
            ? Collections.emptyMap()
            : Collections.unmodifiableMap(new TreeMap<>(xattrs));
  }

  /**
   * A header with everything but the path and type defaulted: mode 0644 (0755 for directories),
   * owner 0:0.
   */
  public static TarHeader of(EntryPath path, EntryType type) {
    return new TarHeader(
        path,
        type,
        type == EntryType.DIRECTORY ? 0755 : 0644,
        0,
        0,
        0,
        Mtime.EPOCH,
        type == EntryType.SYMLINK ? "" : null,
        type == EntryType.HARDLINK ? EntryPath.ROOT : null,
        0,
        0,
        null);
  }

  public TarHeader withPath(EntryPath newPath) {
    return new TarHeader(
        newPath,
        type,
        mode,
        uid,
        gid,
        size,
        mtime,
        symlinkTarget,
        hardLinkTarget,
        devMajor,
        devMinor,
        xattrs);
  }

  public TarHeader withMode(int newMode) {
    return new TarHeader(
        path,
        type,
        newMode,
        uid,
        gid,
        size,
        mtime,
        symlinkTarget,
        hardLinkTarget,
        devMajor,
        devMinor,
        xattrs);
  }

  public TarHeader withOwner(long newUid, long newGid) {
    return new TarHeader(
        path,
        type,
        mode,
        newUid,
        newGid,
        size,
        mtime,
        symlinkTarget,
        hardLinkTarget,
        devMajor,
        devMinor,
        xattrs);
  }

  public TarHeader withMtime(Mtime newMtime) {
    return new TarHeader(
        path,
        type,
        mode,
        uid,
        gid,
        size,
        newMtime,
        symlinkTarget,
        hardLinkTarget,
        devMajor,
        devMinor,
        xattrs);
  }

  public TarHeader withXattrs(Map<String, byte[]> newXattrs) {
    return new TarHeader(
        path,
        type,
        mode,
        uid,
        gid,
        size,
        mtime,
        symlinkTarget,
        hardLinkTarget,
        devMajor,
        devMinor,
        newXattrs);
  }

  /** A regular file of the given size. */
  public TarHeader asFile(long newSize) {
    return new TarHeader(
        path, EntryType.FILE, mode, uid, gid, newSize, mtime, null, null, 0, 0, xattrs);
  }

  /** A hard link at this header's path pointing at {@code target}, with this header's metadata. */
  public TarHeader asHardLinkTo(EntryPath target) {
    return new TarHeader(
        path, EntryType.HARDLINK, mode, uid, gid, 0, mtime, null, target, 0, 0, xattrs);
  }

  public TarHeader withSymlinkTarget(String target) {
    return new TarHeader(
        path, EntryType.SYMLINK, mode, uid, gid, 0, mtime, target, null, 0, 0, xattrs);
  }

  public TarHeader withDevice(EntryType deviceType, int major, int minor) {
    return new TarHeader(
        path, deviceType, mode, uid, gid, 0, mtime, null, null, major, minor, xattrs);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TarHeader)) {
      return false;
    }
    TarHeader h = (TarHeader) o;
    if (!(path.equals(h.path)
        && type == h.type
        && mode == h.mode
        && uid == h.uid
        && gid == h.gid
        && size == h.size
        && mtime.equals(h.mtime)
        && Objects.equals(symlinkTarget, h.symlinkTarget)
        && Objects.equals(hardLinkTarget, h.hardLinkTarget)
        && devMajor == h.devMajor
        && devMinor == h.devMinor
        && xattrs.keySet().equals(h.xattrs.keySet()))) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : xattrs.entrySet()) {
      if (!Arrays.equals(e.getValue(), h.xattrs.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, type, mode, uid, gid, size, mtime);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(type)
        .append(' ')
        .append(path.display())
        .append(' ')
        .append(String.format("%04o", mode))
        .append(' ')
        .append(uid)
        .append(':')
        .append(gid);
    if (type == EntryType.FILE) {
      sb.append(" size=").append(size);
    }
    if (symlinkTarget != null) {
      sb.append(" -> ").append(EntryPath.displayOf(symlinkTarget));
    }
    if (hardLinkTarget != null) {
      sb.append(" link to ").append(hardLinkTarget.display());
    }
    if (type.isDevice()) {
      sb.append(' ').append(devMajor).append(',').append(devMinor);
    }
    if (!xattrs.isEmpty()) {
      sb.append(" xattrs=").append(xattrs.keySet());
    }
    return sb.toString();
  }
}
