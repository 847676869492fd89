package io.oci2squashfs.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EntryPathTest {
  @ParameterizedTest
  @ValueSource(strings = {"./a/b", "/a/b", "a/b", "a//b", "a/./b", "a/b/", "./a/b/", "//a///b//", "././a/b"})
  void spellingsOfOnePathAreEqual(String spelling) {
    assertEquals(EntryPath.of("a/b"), EntryPath.of(spelling));
    assertEquals("a/b", EntryPath.of(spelling).raw());
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "./", "/", "", "//", "./."})
  void rootSpellings(String spelling) {
    assertTrue(EntryPath.of(spelling).isRoot());
    assertEquals("/", EntryPath.of(spelling).display());
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../x", "a/../b", "a/..", "./a/../../etc/passwd"})
  void dotDotIsRejected(String spelling) {
    InvalidEntryPathException e = assertThrows(InvalidEntryPathException.class, () -> EntryPath.of(spelling));
    assertTrue(e.getMessage().contains(".."), e.getMessage());
  }

  @Test
  void dotsInsideNamesAreOrdinary() {
    assertEquals("a/..b/c.", EntryPath.of("a/..b/c.").raw());
    assertEquals(".hidden", EntryPath.of("./.hidden").raw());
  }

  @Test
  void nulIsRejected() {
    assertThrows(InvalidEntryPathException.class, () -> EntryPath.of("a\0b"));
  }

  @Test
  void nonUtf8BytesRoundTrip() {
    byte[] raw = {'d', '/', (byte) 0xff, (byte) 0xfe, 'x'};
    EntryPath p = EntryPath.ofBytes(raw);
    assertArrayEquals(raw, p.toBytes());
    assertEquals(2, p.components().size());
  }

  @Test
  void utf8NamesDisplayAsText() {
    EntryPath p = EntryPath.ofUtf8("usr/share/café");
    assertEquals("usr/share/café", p.display());
    assertEquals("café", EntryPath.ofBytes(p.name().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).display());
  }

  @Test
  void parentNameChildAndComponents() {
    EntryPath p = EntryPath.of("a/b/c");
    assertEquals(EntryPath.of("a/b"), p.parent());
    assertEquals("c", p.name());
    assertEquals(EntryPath.ROOT, EntryPath.of("a").parent());
    assertNull(EntryPath.ROOT.parent());
    assertEquals(p, EntryPath.of("a/b").child("c"));
    assertEquals(List.of("a", "b", "c"), p.components());
    assertThrows(InvalidEntryPathException.class, () -> p.child(".."));
    assertThrows(InvalidEntryPathException.class, () -> p.child("x/y"));
  }

  @Test
  void startsWithIsByComponent() {
    assertTrue(EntryPath.of("a/b").startsWith(EntryPath.of("a")));
    assertTrue(EntryPath.of("a").startsWith(EntryPath.of("a")));
    assertFalse(EntryPath.of("ab").startsWith(EntryPath.of("a")));
    assertTrue(EntryPath.of("x").startsWith(EntryPath.ROOT));
  }
}
