package io.oci2squashfs.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The parsing behind the corrections of fsck.erofs's lost xattrs. */
class ErofsExtractTest {
  @Test
  void emptyValueComplaintsByNid() {
    String stderr =
        "<E> erofs: failed to get xattr value size of `user.empty` @ nid 75\n"
            + "<E> erofs: failed to get xattr value size of `trusted.e` @ nid 75\n"
            + "<E> erofs: failed to get xattr value size of `user.empty` @ nid 75\n"
            + "<E> erofs: something else\n"
            + "<E> erofs: failed to get xattr value size of `user.x y` @ nid 1234\n";
    assertEquals(
        Map.of(75L, List.of("user.empty", "trusted.e"), 1234L, List.of("user.x y")),
        ErofsExtract.parseEmptyValues(stderr));
    assertEquals(Map.of(), ErofsExtract.parseEmptyValues(""));
  }

  @Test
  void dumpErofsNamesThePath() {
    assertEquals(
        "/etc/passwd",
        ErofsExtract.pathOf(
            "Path : /etc/passwd\nSize: 3  On-disk size: 3  regular file\nNID: 75   Links: 1\n"));
    assertNull(ErofsExtract.pathOf("NID: 75\n"));
  }

  @Test
  void xattrsAreAddedToTheirPaths() {
    SortedMap<String, String> old = new TreeMap<>(Map.of("user.a", "01"));
    TreeSnapshot t =
        TreeSnapshot.of(
            TreeEntry.directory("/", 0755, 0, 0),
            TreeEntry.file("/ping", 0755, 0, 0, 1, "00").withXattrs(old));
    Map<String, SortedMap<String, String>> extra =
        Map.of("/ping", new TreeMap<>(Map.of(ErofsExtract.CAPABILITY, "0100")));
    TreeSnapshot out = ErofsExtract.withXattrs(t, extra);
    assertEquals(Map.of("user.a", "01", "security.capability", "0100"), out.get("/ping").xattrs());
    assertEquals(Map.of(), out.get("/").xattrs());
  }
}
