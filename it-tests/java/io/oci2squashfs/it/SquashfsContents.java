package io.oci2squashfs.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A squashfs image read back with {@code unsquashfs -pf} (an implementation independent of ours):
 * every path with its type, mode, owner, mtime, content, link target, device numbers and xattrs,
 * hard links sharing one {@link Inode} object. Paths are raw bytes as ISO-8859-1 chars, without a
 * leading slash; the root is "".
 */
final class SquashfsContents {
  /** One inode as unsquashfs describes it. */
  static final class Inode {
    char type; // D R S L C B I (dir, regular, symlink, -, char, block, fifo)
    long mtime;
    int mode;
    long uid;
    long gid;
    byte[] content = new byte[0];
    String symlinkTarget;
    int major;
    int minor;
    final Map<String, byte[]> xattrs = new TreeMap<>();
  }

  private static final byte[] DATA_MARKER =
      "\n#\n# START OF DATA - DO NOT MODIFY\n#\n".getBytes(StandardCharsets.ISO_8859_1);

  final Map<String, Inode> byPath = new LinkedHashMap<>();
  final long mkfsTime;

  private SquashfsContents(Map<String, Inode> byPath, long mkfsTime) {
    this.byPath.putAll(byPath);
    this.mkfsTime = mkfsTime;
  }

  static SquashfsContents read(Path image) throws IOException, InterruptedException {
    Path pf = Files.createTempFile("unsquashfs", ".pf");
    try {
      run(List.of("unsquashfs", "-pf", pf.toString(), image.toString()));
      String mkfs = run(List.of("unsquashfs", "-mkfs-time", image.toString())).trim();
      return parse(Files.readAllBytes(pf), Long.parseLong(mkfs.replaceAll("\\D+", "")));
    } finally {
      Files.deleteIfExists(pf);
    }
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + text);
    return text;
  }

  static SquashfsContents parse(byte[] pf, long mkfsTime) {
    int marker = indexOf(pf, DATA_MARKER);
    assertTrue(marker >= 0, "no data marker in unsquashfs -pf output");
    int dataStart = marker + DATA_MARKER.length;
    String header = new String(pf, 0, marker, StandardCharsets.ISO_8859_1);
    Map<String, Inode> byPath = new LinkedHashMap<>();
    for (String line : header.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> f = fields(line);
      String path = f.get(0);
      path = path.equals("/") ? "" : path.replaceFirst("^/", "");
      char type = f.get(1).charAt(0);
      if (type == 'L') {
        Inode target = byPath.get(f.get(2).replaceFirst("^/", ""));
        assertNotNull(target, "hard link " + path + " to unknown " + f.get(2));
        byPath.put(path, target);
        continue;
      }
      if (type == 'x') {
        // the value may hold unescaped spaces: it is the rest of the line
        String[] kv = line.substring(endOfFirstField(line) + " x ".length()).split("=", 2);
        byPath.get(path).xattrs.put(kv[0], decodeValue(kv[1]));
        continue;
      }
      Inode i = new Inode();
      i.type = type;
      i.mtime = Long.parseLong(f.get(2));
      i.mode = Integer.parseInt(f.get(3), 8);
      // squashfs ids are unsigned 32-bit; unsquashfs -pf prints them signed
      i.uid = Long.parseLong(f.get(4)) & 0xFFFF_FFFFL;
      i.gid = Long.parseLong(f.get(5)) & 0xFFFF_FFFFL;
      switch (type) {
        case 'R':
          long size = Long.parseLong(f.get(6));
          long offset = Long.parseLong(f.get(7));
          i.content =
              java.util.Arrays.copyOfRange(
                  pf, (int) (dataStart + offset), (int) (dataStart + offset + size));
          break;
        case 'S':
          i.symlinkTarget = f.get(6);
          break;
        case 'C':
        case 'B':
          i.major = Integer.parseInt(f.get(6));
          i.minor = Integer.parseInt(f.get(7));
          break;
        default:
          break;
      }
      byPath.put(path, i);
    }
    return new SquashfsContents(byPath, mkfsTime);
  }

  private static int endOfFirstField(String line) {
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == '\\') {
        i++;
      } else if (line.charAt(i) == ' ') {
        return i;
      }
    }
    return line.length();
  }

  /** Splits on spaces not escaped by a backslash, and unescapes. */
  private static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        cur.append(line.charAt(++i));
      } else if (c == ' ') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  private static byte[] decodeValue(String v) {
    if (v.startsWith("0s")) {
      return Base64.getDecoder().decode(v.substring(2));
    }
    if (v.startsWith("0x")) {
      return HexFormat.of().parseHex(v.substring(2));
    }
    String s = v.startsWith("0t") ? v.substring(2) : v;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\'
          && i + 3 < s.length() + 1
          && s.substring(i + 1, Math.min(s.length(), i + 4)).matches("[0-7]{3}")) {
        b.write(Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.write(c);
      }
    }
    return b.toByteArray();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  // ---- assertions, fluent ----

  Inode get(String path) {
    Inode i = byPath.get(path);
    if (i == null) {
      fail("no " + path + " in the image; it has " + byPath.keySet());
    }
    return i;
  }

  SquashfsContents file(String path, String content) {
    Inode i = get(path);
    assertEquals('R', i.type, path + " type");
    assertEquals(content, new String(i.content, StandardCharsets.UTF_8), path + " content");
    return this;
  }

  SquashfsContents fileBytes(String path, byte[] content) {
    Inode i = get(path);
    assertEquals('R', i.type, path + " type");
    assertArrayEquals(content, i.content, path + " content");
    return this;
  }

  SquashfsContents dir(String path, int mode, long uid, long gid) {
    Inode i = get(path);
    assertEquals('D', i.type, path + " type");
    assertEquals(Integer.toOctalString(mode), Integer.toOctalString(i.mode), path + " mode");
    assertEquals(uid, i.uid, path + " uid");
    assertEquals(gid, i.gid, path + " gid");
    return this;
  }

  SquashfsContents attrs(String path, int mode, long uid, long gid, long mtime) {
    Inode i = get(path);
    assertEquals(Integer.toOctalString(mode), Integer.toOctalString(i.mode), path + " mode");
    assertEquals(uid, i.uid, path + " uid");
    assertEquals(gid, i.gid, path + " gid");
    assertEquals(mtime, i.mtime, path + " mtime");
    return this;
  }

  SquashfsContents symlink(String path, String target) {
    Inode i = get(path);
    assertEquals('S', i.type, path + " type");
    assertEquals(target, i.symlinkTarget, path + " target");
    return this;
  }

  SquashfsContents type(String path, char type) {
    assertEquals(type, get(path).type, path + " type");
    return this;
  }

  SquashfsContents absent(String path) {
    assertFalse(byPath.containsKey(path), path + " should not be in the image");
    return this;
  }

  SquashfsContents sameInode(String a, String b) {
    assertSame(get(a), get(b), a + " and " + b + " should be hard links of one inode");
    return this;
  }

  SquashfsContents distinctInodes(String a, String b) {
    assertNotSame(get(a), get(b), a + " and " + b + " should be separate inodes");
    return this;
  }

  SquashfsContents xattr(String path, String name, byte[] value) {
    byte[] actual = get(path).xattrs.get(name);
    assertNotNull(actual, path + " has no xattr " + name + "; has " + get(path).xattrs.keySet());
    assertArrayEquals(value, actual, path + " xattr " + name);
    return this;
  }

  SquashfsContents paths(String... expected) {
    List<String> want = new ArrayList<>(List.of(expected));
    want.add("");
    List<String> have = new ArrayList<>(byPath.keySet());
    want.sort(null);
    have.sort(null);
    assertEquals(want, have, "paths in the image");
    return this;
  }
}
