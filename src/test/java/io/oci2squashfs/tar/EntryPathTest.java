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
  @ValueSource(
      strings = {"./a/b", "/a/b", "a/b", "a//b", "a/./b", "a/b/", "./a/b/", "//a///b//", "././a/b"})
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
    InvalidEntryPathException e =
        assertThrows(InvalidEntryPathException.class, () -> EntryPath.of(spelling));
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
    assertEquals(
        "café",
        EntryPath.ofBytes(p.name().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
            .display());
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

  // A 10,000-level path went through the merge and made mksquashfs 4.6.1 crawl for minutes
  // (found by BadInputIT); no Linux tool could open such a path anyway.
  @Test
  void tenThousandLevelPathIsRefusedWithAShortMessage() {
    InvalidEntryPathException e =
        assertThrows(
            InvalidEntryPathException.class, () -> EntryPath.of("d/".repeat(10_000) + "f"));
    assertTrue(e.getMessage().contains("PATH_MAX"), e.getMessage());
    assertTrue(e.getMessage().length() < 300, "one readable line: " + e.getMessage().length());
  }

  @Test
  void pathAndNameLimitsAreLinuxs() {
    String longest =
        ("n".repeat(254) + "/").repeat(16) + "n".repeat(EntryPath.MAX_PATH_BYTES - 255 * 16);
    assertEquals(EntryPath.MAX_PATH_BYTES, EntryPath.of(longest).raw().length());
    assertThrows(InvalidEntryPathException.class, () -> EntryPath.of(longest + "n"));
    assertEquals(255, EntryPath.of("a/" + "n".repeat(255)).name().length());
    InvalidEntryPathException e =
        assertThrows(InvalidEntryPathException.class, () -> EntryPath.of("a/" + "n".repeat(256)));
    assertTrue(e.getMessage().contains("NAME_MAX"), e.getMessage());
    // the limits apply to the normalised path, not to its spelling
    assertEquals("a", EntryPath.of("./".repeat(3000) + "a").raw());
  }

  @Test
  void messagesShowControlCharactersEscaped() {
    assertEquals("a\\x0ab\\x00", EntryPath.shortDisplayOf("a\nb\0"));
    assertEquals("a\\x0ab", EntryPath.ofUtf8("a\nb").shortDisplay());
  }
}
