package io.oci2squashfs.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The comparison on in-memory snapshots: each kind of difference alone, and nothing for equal
 * trees.
 */
class TreeComparatorTest {
  static final String A = "a".repeat(64);
  static final String B = "b".repeat(64);

  static List<TreeEntry> base() {
    List<TreeEntry> l = new ArrayList<>();
    l.add(TreeEntry.directory("/", 0755, 0, 0));
    l.add(TreeEntry.directory("/etc", 0755, 0, 0));
    l.add(TreeEntry.file("/etc/passwd", 0644, 0, 0, 10, A));
    l.add(TreeEntry.file("/bin", 0755, 0, 0, 3, B).withLinkKey("i1"));
    l.add(TreeEntry.file("/bin2", 0755, 0, 0, 3, B).withLinkKey("i1"));
    l.add(TreeEntry.symlink("/lib", "usr/lib"));
    l.add(TreeEntry.special("/dev/null", FileKind.CHAR_DEVICE, 0666, 1, 3));
    l.add(TreeEntry.directory("/dev", 0755, 0, 0));
    l.add(TreeEntry.special("/fifo", FileKind.FIFO, 0644, 0, 0));
    return l;
  }

  static TreeSnapshot with(java.util.function.UnaryOperator<TreeEntry> change, String path) {
    List<TreeEntry> l = new ArrayList<>();
    for (TreeEntry e : base()) {
      l.add(e.path().equals(path) ? change.apply(e) : e);
    }
    return TreeSnapshot.of(l);
  }

  static List<String> diff(TreeSnapshot ref, TreeSnapshot img) {
    return diff(ref, img, CompareOptions.DEFAULT);
  }

  static List<String> diff(TreeSnapshot ref, TreeSnapshot img, CompareOptions o) {
    List<String> out = new ArrayList<>();
    for (Difference d : TreeComparator.compare(ref, img, o)) {
      out.add(
          d.change().sign()
              + " "
              + d.path()
              + (d.field() == null
                  ? ""
                  : ": " + d.fieldLabel() + ": " + d.reference() + " -> " + d.image()));
    }
    return out;
  }

  @Test
  void identicalTreesHaveNoDifferences() {
    assertEquals(List.of(), diff(TreeSnapshot.of(base()), TreeSnapshot.of(base())));
  }

  @Test
  void pathOnlyInImageOrReference() {
    List<TreeEntry> more = base();
    more.add(TreeEntry.file("/etc/new", 0644, 0, 0, 0, A));
    assertEquals(List.of("+ /etc/new"), diff(TreeSnapshot.of(base()), TreeSnapshot.of(more)));
    assertEquals(List.of("- /etc/new"), diff(TreeSnapshot.of(more), TreeSnapshot.of(base())));
  }

  @Test
  void aDirectoryOnOneSideIsListedOnceNotItsContents() {
    List<TreeEntry> more = base();
    more.add(TreeEntry.directory("/opt", 0755, 0, 0));
    more.add(TreeEntry.directory("/opt/x", 0755, 0, 0));
    more.add(TreeEntry.file("/opt/x/y", 0644, 0, 0, 0, A));
    more.add(TreeEntry.file("/opt2", 0644, 0, 0, 0, A));
    assertEquals(
        List.of("+ /opt", "+ /opt2"), diff(TreeSnapshot.of(base()), TreeSnapshot.of(more)));
  }

  @Test
  void eachFieldAlone() {
    TreeSnapshot ref = TreeSnapshot.of(base());
    assertEquals(
        List.of("~ /etc/passwd: type: file -> directory"),
        diff(ref, with(e -> TreeEntry.directory(e.path(), 0644, 0, 0), "/etc/passwd")));
    assertEquals(
        List.of("~ /etc/passwd: mode: 0644 -> 4644"),
        diff(ref, with(e -> e.withPermissions(04644), "/etc/passwd")));
    assertEquals(
        List.of("~ /etc: uid: 0 -> 1000"), diff(ref, with(e -> e.withOwner(1000, 0), "/etc")));
    assertEquals(
        List.of("~ /etc: gid: 0 -> 4294967294"),
        diff(ref, with(e -> e.withOwner(0, 4294967294L), "/etc")));
    assertEquals(
        List.of("~ /etc/passwd: size: 10 -> 11"),
        diff(ref, with(e -> TreeEntry.file(e.path(), 0644, 0, 0, 11, B), "/etc/passwd")));
    assertEquals(
        List.of("~ /etc/passwd: content: sha256:" + A + " -> sha256:" + B),
        diff(ref, with(e -> TreeEntry.file(e.path(), 0644, 0, 0, 10, B), "/etc/passwd")));
    assertEquals(
        List.of("~ /lib: target: usr/lib -> /usr/lib"),
        diff(ref, with(e -> TreeEntry.symlink(e.path(), "/usr/lib"), "/lib")));
    assertEquals(
        List.of("~ /dev/null: device: 1,3 -> 1,5"),
        diff(
            ref,
            with(e -> TreeEntry.special(e.path(), FileKind.CHAR_DEVICE, 0666, 1, 5), "/dev/null")));
    assertEquals(
        List.of("~ /dev/null: type: char device -> block device"),
        diff(
            ref,
            with(
                e -> TreeEntry.special(e.path(), FileKind.BLOCK_DEVICE, 0666, 1, 3), "/dev/null")));
    assertEquals(
        List.of("~ /fifo: type: fifo -> socket"),
        diff(ref, with(e -> TreeEntry.special(e.path(), FileKind.SOCKET, 0644, 0, 0), "/fifo")));
  }

  @Test
  void xattrsByName() {
    TreeMap<String, String> cap = new TreeMap<>();
    cap.put("security.capability", "0100000200200000");
    TreeSnapshot ref = with(e -> e.withXattrs(cap), "/bin");
    assertEquals(List.of(), diff(ref, with(e -> e.withXattrs(cap), "/bin")));
    assertEquals(
        List.of("~ /bin: xattr security.capability: 0x0100000200200000 -> (none)"),
        diff(ref, TreeSnapshot.of(base())));
    TreeMap<String, String> other = new TreeMap<>(cap);
    other.put("security.capability", "01");
    other.put("user.a", "");
    assertEquals(
        List.of(
            "~ /bin: xattr security.capability: 0x0100000200200000 -> 0x01",
            "~ /bin: xattr user.a: (none) -> 0x"),
        diff(ref, with(e -> e.withXattrs(other), "/bin")));
  }

  @Test
  void hardLinkGroupsMustMatch() {
    TreeSnapshot ref = TreeSnapshot.of(base());
    TreeSnapshot split = with(e -> e.withLinkKey("other"), "/bin2");
    assertEquals(
        List.of("~ /bin: hardlinks: /bin2 -> (none)", "~ /bin2: hardlinks: /bin -> (none)"),
        diff(ref, split));
    // one inode with different keys on each side is still the same grouping
    List<TreeEntry> renamed = new ArrayList<>();
    for (TreeEntry e : base()) {
      renamed.add(e.linkKey() != null && e.linkKey().equals("i1") ? e.withLinkKey("zz") : e);
    }
    assertEquals(List.of(), diff(ref, TreeSnapshot.of(renamed)));
    TreeSnapshot joined = with(e -> e.withLinkKey("i1"), "/etc/passwd");
    assertTrue(
        diff(TreeSnapshot.of(base()), joined)
            .contains("~ /etc/passwd: hardlinks: (none) -> /bin, /bin2"),
        diff(TreeSnapshot.of(base()), joined).toString());
  }

  @Test
  void ownershipAndMtimeAreOptional() {
    TreeSnapshot ref = TreeSnapshot.of(base());
    TreeSnapshot owned = with(e -> e.withOwner(5, 6), "/etc/passwd");
    assertEquals(List.of(), diff(ref, owned, CompareOptions.DEFAULT.withOwnership(false)));
    TreeSnapshot touched = with(e -> e.withMtime(99), "/etc/passwd");
    assertEquals(List.of(), diff(ref, touched));
    assertEquals(
        List.of("~ /etc/passwd: mtime: 0 -> 99"),
        diff(ref, touched, CompareOptions.DEFAULT.withMtime(true)));
    TreeSnapshot dirTouched = with(e -> e.withMtime(99), "/etc");
    assertEquals(
        List.of(),
        diff(ref, dirTouched, CompareOptions.DEFAULT.withMtime(true)),
        "directories' mtimes never count");
  }

  @Test
  void symlinkPermissionsAreNotCompared() {
    assertEquals(
        List.of(), diff(TreeSnapshot.of(base()), with(e -> e.withPermissions(0755), "/lib")));
  }

  @Test
  void ignoredPathsAndWhatIsBelowThemAreLeftOut() {
    List<TreeEntry> more = base();
    more.add(TreeEntry.file("/etc/hostname", 0644, 0, 0, 0, A));
    more.add(TreeEntry.file("/x.pyc", 0644, 0, 0, 0, A));
    TreeSnapshot img = TreeSnapshot.of(more);
    CompareOptions o =
        CompareOptions.DEFAULT.withIgnore(PathFilter.of(List.of("/etc/hostname", "*.pyc")));
    assertEquals(List.of(), diff(TreeSnapshot.of(base()), img, o));
    CompareOptions etc = CompareOptions.DEFAULT.withIgnore(PathFilter.of(List.of("etc")));
    assertEquals(List.of("+ /x.pyc"), diff(TreeSnapshot.of(base()), img, etc));
    // an ignored hard link does not count in the other's group
    CompareOptions bin2 = CompareOptions.DEFAULT.withIgnore(PathFilter.of(List.of("/bin2")));
    assertEquals(
        List.of(), diff(TreeSnapshot.of(base()), with(e -> e.withLinkKey(null), "/bin"), bin2));
  }

  @Test
  void differencesComeInTreeOrder() {
    List<TreeEntry> more = base();
    more.add(TreeEntry.file("/a b", 0644, 0, 0, 0, A));
    more.add(TreeEntry.file("/etc/z", 0644, 0, 0, 0, A));
    more.add(TreeEntry.file("/etc0", 0644, 0, 0, 0, A));
    assertEquals(
        List.of("+ /a b", "+ /etc/z", "+ /etc0"),
        diff(TreeSnapshot.of(base()), TreeSnapshot.of(more)));
  }

  @Test
  void globs() {
    PathFilter f = PathFilter.of(List.of("/var/cache/**", "*.py[co]", "/tmp/", "/a/*/c", "[!x]y"));
    assertTrue(f.ignores("/var/cache/apt/x"));
    assertFalse(f.ignores("/var/cache"));
    assertTrue(f.ignores("/usr/lib/x.pyc"));
    assertFalse(f.ignores("/usr/lib/x.py"));
    assertTrue(f.ignores("/tmp/a"));
    assertFalse(f.ignores("/var/tmp"));
    assertTrue(f.ignores("/a/b/c"));
    assertFalse(f.ignores("/a/b/b/c"));
    assertTrue(f.ignores("/q/ay"));
    assertFalse(f.ignores("/q/xy"));
    assertFalse(f.ignores("/"));
    assertThrows(IllegalArgumentException.class, () -> PathFilter.of(List.of("/")));
    assertThrows(IllegalArgumentException.class, () -> PathFilter.of(List.of("[ab")));
  }

  @Test
  void aPathTwiceInOneSnapshotIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TreeSnapshot.of(
                TreeEntry.directory("/a", 0755, 0, 0), TreeEntry.directory("/a", 0700, 0, 0)));
  }
}
