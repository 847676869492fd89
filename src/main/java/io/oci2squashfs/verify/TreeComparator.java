package io.oci2squashfs.verify;

import io.oci2squashfs.verify.Difference.Field;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Compares two snapshots, reference against image: pure logic, no files or processes.
 *
 * <p>Paths are visited in tree order. A path on one side only is one difference; when it is a
 * directory, nothing below it is listed again. For a path on both sides, a different type is the
 * only difference reported; otherwise each field that differs is one: permissions (not for
 * symlinks, whose mode Linux ignores), uid and gid (unless {@link CompareOptions#ownership()} is
 * off), size and then content of files (content only when sizes agree), symlink target, device
 * numbers, each xattr by name, the set of other paths hard-linked to it, and the mtime of
 * non-directories when {@link CompareOptions#mtime()} is on.
 */
public final class TreeComparator {
  static final String NONE = "(none)";

  private TreeComparator() {}

  /** The differences, in tree order of their paths. */
  public static List<Difference> compare(
      TreeSnapshot reference, TreeSnapshot image, CompareOptions options) {
    Map<String, List<String>> refLinks = reference.hardLinkGroups();
    Map<String, List<String>> imgLinks = image.hardLinkGroups();
    List<Difference> out = new ArrayList<>();
    Iterator<TreeEntry> r = reference.entries().values().iterator();
    Iterator<TreeEntry> i = image.entries().values().iterator();
    TreeEntry re = next(r, options);
    TreeEntry ie = next(i, options);
    String onlyDir = null; // a directory on one side only: skip what is below it
    while (re != null || ie != null) {
      int c =
          re == null ? 1 : ie == null ? -1 : TreeSnapshot.PATH_ORDER.compare(re.path(), ie.path());
      TreeEntry one = c < 0 ? re : c > 0 ? ie : null;
      if (one != null) {
        if (onlyDir == null || !isBelow(one.path(), onlyDir)) {
          out.add(
              c < 0 ? Difference.onlyInReference(one.path()) : Difference.onlyInImage(one.path()));
          onlyDir = one.kind() == FileKind.DIRECTORY ? one.path() : null;
        }
        if (c < 0) {
          re = next(r, options);
        } else {
          ie = next(i, options);
        }
        continue;
      }
      onlyDir = null;
      compareEntry(re, ie, options, refLinks, imgLinks, out);
      re = next(r, options);
      ie = next(i, options);
    }
    return List.copyOf(out);
  }

  private static TreeEntry next(Iterator<TreeEntry> it, CompareOptions options) {
    while (it.hasNext()) {
      TreeEntry e = it.next();
      if (!options.ignore().ignores(e.path())) {
        return e;
      }
    }
    return null;
  }

  private static boolean isBelow(String path, String dir) {
    return path.startsWith(dir)
        && (dir.equals("/") || path.length() > dir.length() && path.charAt(dir.length()) == '/');
  }

  private static void compareEntry(
      TreeEntry ref,
      TreeEntry img,
      CompareOptions options,
      Map<String, List<String>> refLinks,
      Map<String, List<String>> imgLinks,
      List<Difference> out) {
    String path = ref.path();
    if (ref.kind() != img.kind()) {
      out.add(Difference.changed(path, Field.TYPE, ref.kind().label(), img.kind().label()));
      return;
    }
    if (ref.kind() != FileKind.SYMLINK && ref.permissions() != img.permissions()) {
      out.add(
          Difference.changed(
              path, Field.PERMISSIONS, octal(ref.permissions()), octal(img.permissions())));
    }
    if (options.ownership()) {
      if (ref.uid() != img.uid()) {
        out.add(
            Difference.changed(
                path, Field.UID, Long.toString(ref.uid()), Long.toString(img.uid())));
      }
      if (ref.gid() != img.gid()) {
        out.add(
            Difference.changed(
                path, Field.GID, Long.toString(ref.gid()), Long.toString(img.gid())));
      }
    }
    switch (ref.kind()) {
      case FILE:
        if (ref.size() != img.size()) {
          out.add(
              Difference.changed(
                  path, Field.SIZE, Long.toString(ref.size()), Long.toString(img.size())));
        } else if (!ref.sha256().equals(img.sha256())) {
          out.add(
              Difference.changed(
                  path, Field.CONTENT, "sha256:" + ref.sha256(), "sha256:" + img.sha256()));
        }
        break;
      case SYMLINK:
        if (!ref.symlinkTarget().equals(img.symlinkTarget())) {
          out.add(
              Difference.changed(
                  path, Field.SYMLINK_TARGET, ref.symlinkTarget(), img.symlinkTarget()));
        }
        break;
      case CHAR_DEVICE:
      case BLOCK_DEVICE:
        if (ref.devMajor() != img.devMajor() || ref.devMinor() != img.devMinor()) {
          out.add(
              Difference.changed(
                  path,
                  Field.DEVICE,
                  ref.devMajor() + "," + ref.devMinor(),
                  img.devMajor() + "," + img.devMinor()));
        }
        break;
      default:
        break;
    }
    TreeSet<String> names = new TreeSet<>(ref.xattrs().keySet());
    names.addAll(img.xattrs().keySet());
    for (String name : names) {
      String a = ref.xattrs().get(name);
      String b = img.xattrs().get(name);
      if (!Objects.equals(a, b)) {
        out.add(
            Difference.xattr(path, name, a == null ? NONE : "0x" + a, b == null ? NONE : "0x" + b));
      }
    }
    if (ref.kind() != FileKind.DIRECTORY) {
      String a = others(path, refLinks.get(path), options);
      String b = others(path, imgLinks.get(path), options);
      if (!a.equals(b)) {
        out.add(Difference.changed(path, Field.HARD_LINKS, a, b));
      }
      if (options.mtime() && ref.mtime() != img.mtime()) {
        out.add(
            Difference.changed(
                path, Field.MTIME, Long.toString(ref.mtime()), Long.toString(img.mtime())));
      }
    }
  }

  /** The other paths of {@code path}'s inode that are not ignored, comma-separated, or (none). */
  private static String others(String path, List<String> group, CompareOptions options) {
    if (group == null) {
      return NONE;
    }
    List<String> rest = new ArrayList<>();
    for (String p : group) {
      if (!p.equals(path) && !options.ignore().ignores(p)) {
        rest.add(p);
      }
    }
    return rest.isEmpty() ? NONE : String.join(", ", rest);
  }

  private static String octal(int permissions) {
    return String.format("%04o", permissions);
  }
}
