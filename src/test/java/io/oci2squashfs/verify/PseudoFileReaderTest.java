package io.oci2squashfs.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parsing {@code unsquashfs -pf} output as unsquashfs 4.6.1 writes it (shapes taken from real
 * runs).
 */
class PseudoFileReaderTest {
  static TreeSnapshot parse(String header, String data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(header.getBytes(StandardCharsets.UTF_8));
    b.writeBytes("#\n# START OF DATA - DO NOT MODIFY\n#\n".getBytes(StandardCharsets.US_ASCII));
    b.writeBytes(data.getBytes(StandardCharsets.UTF_8));
    return PseudoFileReader.parse(new ByteArrayInputStream(b.toByteArray()));
  }

  static String sha(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void everyKindOfDefinition() throws Exception {
    TreeSnapshot t =
        parse(
            String.join(
                "\n",
                "/ D 1795429211 755 0 0",
                "bdev B 1795429211 644 0 0 7 0",
                "cdev C 1795429211 644 0 0 1 3",
                "d\\ 1 D 1795429211 1777 0 0",
                "d\\ 1/f\\ x R 1795429211 4755 1000 -2 3 0 0",
                "d\\ 1/f\\ x x user.foo=a b=c",
                "d\\ 1/f\\ x x security.capability=0t\\001\\000\\000\\002\\000 \\000",
                "fifo I 1795429211 644 0 0 f",
                "fifo x trusted.x=0t\\000\\377",
                "hl L d\\ 1/f\\ x",
                "new\\",
                "line R 1795429211 644 0 0 3 3 0",
                "sl S 1795429211 777 0 0 d 1/f x",
                "sock I 1795429211 755 0 0 s",
                "a\\\\b\\\"q R 1 644 0 0 0 0 0",
                ""),
            "hi\na\nb");
    assertEquals(
        List.of(
            "/",
            "/a\\b\"q",
            "/bdev",
            "/cdev",
            "/d 1",
            "/d 1/f x",
            "/fifo",
            "/hl",
            "/new\nline",
            "/sl",
            "/sock"),
        List.copyOf(t.entries().keySet()).stream().sorted().toList());
    TreeEntry f = t.get("/d 1/f x");
    assertEquals(FileKind.FILE, f.kind());
    assertEquals(04755, f.permissions());
    assertEquals(1000, f.uid());
    assertEquals(4294967294L, f.gid(), "ids print signed");
    assertEquals(3, f.size());
    assertEquals(sha("hi\n"), f.sha256());
    assertEquals(
        Map.of(
            "user.foo",
            HexFormat.of().formatHex("a b=c".getBytes(StandardCharsets.UTF_8)),
            "security.capability",
            "01000002002000"),
        f.xattrs());
    assertEquals(01777, t.get("/d 1").permissions());
    assertEquals(sha("a\nb"), t.get("/new\nline").sha256());
    assertEquals("d 1/f x", t.get("/sl").symlinkTarget());
    assertEquals(FileKind.CHAR_DEVICE, t.get("/cdev").kind());
    assertEquals(3, t.get("/cdev").devMinor());
    assertEquals(7, t.get("/bdev").devMajor());
    assertEquals(FileKind.FIFO, t.get("/fifo").kind());
    assertEquals(Map.of("trusted.x", "00ff"), t.get("/fifo").xattrs());
    assertEquals(FileKind.SOCKET, t.get("/sock").kind());
    assertEquals(PseudoFileReader.EMPTY_SHA256, t.get("/a\\b\"q").sha256());
    TreeEntry hl = t.get("/hl");
    assertEquals(f.sha256(), hl.sha256());
    assertEquals(f.xattrs(), hl.xattrs());
    assertEquals(List.of("/d 1/f x", "/hl"), t.hardLinkGroups().get("/hl"));
    assertNull(t.hardLinkGroups().get("/sl"));
  }

  @Test
  void aNewlineInASymlinkTargetContinuesIt() throws Exception {
    TreeSnapshot t =
        parse("/ D 1 755 0 0\nlink S 1 777 0 0 tar\nget\\x y\nq R 1 644 0 0 0 0 0\n", "");
    assertEquals("tar\nget\\x y", t.get("/link").symlinkTarget());
    assertEquals(FileKind.FILE, t.get("/q").kind());
  }

  @Test
  void xattrValueForms() {
    assertEquals(
        "abc", new String(PseudoFileReader.xattrValue("abc"), StandardCharsets.ISO_8859_1));
    assertEquals(
        "0tabc",
        new String(PseudoFileReader.xattrValue("0tabc"), StandardCharsets.ISO_8859_1),
        "printable values print as they are, even when they start with 0t");
    assertEquals(
        "line1\nline2\\z =",
        new String(
            PseudoFileReader.xattrValue("0tline1\\012line2\\134z ="), StandardCharsets.ISO_8859_1));
    assertEquals(
        "é", new String(PseudoFileReader.xattrValue("0t\\303\\251"), StandardCharsets.UTF_8));
    assertEquals(0, PseudoFileReader.xattrValue("").length);
  }

  @Test
  void filesOfTheSameContentAndSparseOffsetsAreHashedFromTheirOwnRanges() throws Exception {
    TreeSnapshot t =
        parse(
            "/ D 1 755 0 0\na R 1 644 0 0 5 0 0\nb R 1 644 0 0 5 5 0\nc R 1 644 0 0 2 10 1\n",
            "same\nsame\nxy");
    assertEquals(sha("same\n"), t.get("/a").sha256());
    assertEquals(sha("same\n"), t.get("/b").sha256());
    assertEquals(sha("xy"), t.get("/c").sha256());
  }

  @Test
  void malformedOutputFailsNamingTheLine() {
    IOException e = assertThrows(IOException.class, () -> parse("/ D 1 755 0 0\nweird Q 1\n", ""));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    IOException noMarker =
        assertThrows(
            IOException.class,
            () ->
                PseudoFileReader.parse(
                    new ByteArrayInputStream(
                        "/ D 1 755 0 0\n".getBytes(StandardCharsets.US_ASCII))));
    assertTrue(noMarker.getMessage().contains("START OF DATA"), noMarker.getMessage());
    IOException truncated =
        assertThrows(IOException.class, () -> parse("/ D 1 755 0 0\na R 1 644 0 0 9 0 0\n", "abc"));
    assertTrue(truncated.getMessage().contains("ends inside file data"), truncated.getMessage());
  }
}
