package io.oci2squashfs.testing;

import com.github.luben.zstd.ZstdOutputStream;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Builds layer tars in memory for tests, written by commons-compress so that our reader is checked
 * against an independent writer.
 *
 * <p>Names and link targets are given as ordinary text and written as their UTF-8 bytes, exactly as
 * given (no normalisation: {@code "./a/"} stays {@code ./a/}); {@link #rawName(byte[])} sets
 * arbitrary bytes. {@link #xattr}, {@link #mtime}, {@link #owner}, {@link #mode} and {@link
 * #rawName} change the entry added last. Defaults: mode 0644 (0755 for directories, 0777 for
 * symlinks), owner 0:0, mtime {@link Mtime#EPOCH} (see {@link #defaultMtime}).
 *
 * <p>commons-compress writes PAX values as UTF-8 text; an entry whose xattr values are not valid
 * UTF-8, or whose long name or link target is not ASCII, gets a hand-made PAX header carrying those
 * values byte for byte, followed by a commons-compress entry that needs no PAX header of its own.
 */
public final class LayerBuilder {
  private final List<Entry> entries = new ArrayList<>();
  private Mtime defaultMtime = Mtime.EPOCH;

  private static final class Entry {
    String name; // one char per byte
    EntryType type;
    int mode;
    long uid;
    long gid;
    Mtime mtime;
    byte[] content = new byte[0];
    String link; // one char per byte
    int devMajor;
    int devMinor;
    final Map<String, byte[]> xattrs = new LinkedHashMap<>();
  }

  private LayerBuilder() {}

  /** A new, empty layer. */
  public static LayerBuilder layer() {
    return new LayerBuilder();
  }

  /** The mtime of entries added from now on that get no {@link #mtime} of their own. */
  public LayerBuilder defaultMtime(Mtime mtime) {
    this.defaultMtime = mtime;
    return this;
  }

  public LayerBuilder dir(String name) {
    return dir(name, 0755);
  }

  public LayerBuilder dir(String name, int mode) {
    return add(name, EntryType.DIRECTORY, mode);
  }

  public LayerBuilder file(String name, String utf8Content) {
    return file(name, utf8Content.getBytes(StandardCharsets.UTF_8));
  }

  public LayerBuilder file(String name, byte[] content) {
    return file(name, content, 0644, 0, 0);
  }

  public LayerBuilder file(String name, byte[] content, int mode, long uid, long gid) {
    add(name, EntryType.FILE, mode).owner(uid, gid);
    last().content = content.clone();
    return this;
  }

  /** A symlink; the target is data and written as given. */
  public LayerBuilder symlink(String name, String target) {
    add(name, EntryType.SYMLINK, 0777);
    last().link = latin1(target);
    return this;
  }

  public LayerBuilder hardlink(String name, String target) {
    add(name, EntryType.HARDLINK, 0644);
    last().link = latin1(target);
    return this;
  }

  /** The whiteout {@code DIR/.wh.NAME} hiding {@code path} in lower layers. */
  public LayerBuilder whiteout(String path) {
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    int slash = p.lastIndexOf('/');
    String name =
        slash < 0 ? ".wh." + p : p.substring(0, slash + 1) + ".wh." + p.substring(slash + 1);
    return file(name, new byte[0]);
  }

  /**
   * The opaque marker {@code DIR/.wh..wh..opq}: lower layers' children of {@code dir} are hidden.
   */
  public LayerBuilder opaque(String dir) {
    String d = dir.endsWith("/") ? dir : dir + "/";
    return file(d + ".wh..wh..opq", new byte[0]);
  }

  public LayerBuilder fifo(String name) {
    return add(name, EntryType.FIFO, 0644);
  }

  public LayerBuilder charDevice(String name, int major, int minor) {
    return device(name, EntryType.CHAR_DEVICE, major, minor);
  }

  public LayerBuilder blockDevice(String name, int major, int minor) {
    return device(name, EntryType.BLOCK_DEVICE, major, minor);
  }

  private LayerBuilder device(String name, EntryType type, int major, int minor) {
    add(name, type, 0644);
    last().devMajor = major;
    last().devMinor = minor;
    return this;
  }

  /**
   * Adds an entry from one of our headers (its path written in normalised form, a directory with a
   * trailing slash); {@code content} is used for files.
   */
  public LayerBuilder entry(TarHeader h, byte[] content) {
    String name = h.path().raw() + (h.type() == EntryType.DIRECTORY ? "/" : "");
    Entry e = new Entry();
    e.name = name;
    e.type = h.type();
    e.mode = h.mode();
    e.uid = h.uid();
    e.gid = h.gid();
    e.mtime = h.mtime();
    e.content = h.type() == EntryType.FILE ? content.clone() : new byte[0];
    e.link =
        h.type() == EntryType.SYMLINK
            ? h.symlinkTarget()
            : h.type() == EntryType.HARDLINK ? h.hardLinkTarget().raw() : null;
    e.devMajor = h.devMajor();
    e.devMinor = h.devMinor();
    e.xattrs.putAll(h.xattrs());
    entries.add(e);
    return this;
  }

  /** Sets an xattr of the last entry; any bytes, binary included. */
  public LayerBuilder xattr(String name, byte[] value) {
    last().xattrs.put(latin1(name), value.clone());
    return this;
  }

  public LayerBuilder xattr(String name, String utf8Value) {
    return xattr(name, utf8Value.getBytes(StandardCharsets.UTF_8));
  }

  public LayerBuilder mtime(long seconds) {
    return mtime(Mtime.ofSeconds(seconds));
  }

  public LayerBuilder mtime(Mtime mtime) {
    last().mtime = mtime;
    return this;
  }

  public LayerBuilder owner(long uid, long gid) {
    last().uid = uid;
    last().gid = gid;
    return this;
  }

  public LayerBuilder mode(int mode) {
    last().mode = mode;
    return this;
  }

  /** Replaces the last entry's name with exactly these bytes (not UTF-8, {@code ..}, anything). */
  public LayerBuilder rawName(byte[] name) {
    last().name = new String(name, StandardCharsets.ISO_8859_1);
    return this;
  }

  private LayerBuilder add(String name, EntryType type, int mode) {
    Entry e = new Entry();
    e.name = latin1(name);
    e.type = type;
    e.mode = mode;
    e.mtime = defaultMtime;
    entries.add(e);
    return this;
  }

  private Entry last() {
    if (entries.isEmpty()) {
      throw new IllegalStateException("no entry yet");
    }
    return entries.get(entries.size() - 1);
  }

  // ---- output

  /** The uncompressed tar. */
  public byte[] tar() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, "ISO-8859-1")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Entry e : entries) {
        write(tar, e);
      }
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return bytes.toByteArray();
  }

  public byte[] gzip() {
    return compressed("gzip");
  }

  public byte[] zstd() {
    return compressed("zstd");
  }

  public byte[] bzip2() {
    return compressed("bzip2");
  }

  public byte[] xz() {
    return compressed("xz");
  }

  /**
   * The tar compressed with {@code kind}: {@code tar} (none), {@code gzip}, {@code zstd}, {@code
   * bzip2} or {@code xz}.
   */
  public byte[] compressed(String kind) {
    byte[] tar = tar();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      OutputStream out;
      switch (kind) {
        case "tar":
        case "none":
          return tar;
        case "gzip":
        case "gz":
          out = new GZIPOutputStream(bytes);
          break;
        case "zstd":
        case "zst":
          out = new ZstdOutputStream(bytes);
          break;
        case "bzip2":
        case "bz2":
          out = new BZip2CompressorOutputStream(bytes);
          break;
        case "xz":
          out = new XZOutputStream(bytes, new LZMA2Options());
          break;
        default:
          throw new IllegalArgumentException("unknown compression '" + kind + "'");
      }
      try (OutputStream o = out) {
        o.write(tar);
      }
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return bytes.toByteArray();
  }

  private static void write(TarArchiveOutputStream tar, Entry e) throws IOException {
    boolean manual = needsHandMadePax(e);
    String name = e.name;
    String link = e.link;
    long uid = e.uid;
    long gid = e.gid;
    Mtime mtime = e.mtime;
    if (manual) {
      ByteArrayOutputStream pax = new ByteArrayOutputStream();
      if (name.length() >= 100) {
        record(pax, "path", name);
        name = shortName(name, e.type == EntryType.DIRECTORY);
      }
      if (link != null && link.length() >= 100) {
        record(pax, "linkpath", link);
        link = link.substring(0, 99);
      }
      if (uid > 07777777 || gid > 07777777) {
        record(pax, "uid", Long.toString(uid));
        record(pax, "gid", Long.toString(gid));
        uid = 0;
        gid = 0;
      }
      if (mtime.nanos() != 0 || mtime.seconds() < 0 || mtime.seconds() > 077777777777L) {
        record(pax, "mtime", mtime.toPaxString());
        mtime = Mtime.ofSeconds(Math.max(0, Math.min(mtime.seconds(), 077777777777L)));
      }
      for (Map.Entry<String, byte[]> x : e.xattrs.entrySet()) {
        record(pax, "SCHILY.xattr." + x.getKey(), x.getValue());
      }
      byte[] data = pax.toByteArray();
      TarArchiveEntry h =
          new TarArchiveEntry("PaxHeaders/entry", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
      h.setModTime(0);
      h.setSize(data.length);
      tar.putArchiveEntry(h);
      tar.write(data);
      tar.closeArchiveEntry();
    }

    // preserveAbsolutePath: a leading "/" is part of what a test may want to feed the reader.
    TarArchiveEntry t = new TarArchiveEntry(name, flag(e.type), true);
    t.setMode(e.mode);
    t.setUserId(uid);
    t.setGroupId(gid);
    t.setUserName("");
    t.setGroupName("");
    t.setLastModifiedTime(FileTime.from(Instant.ofEpochSecond(mtime.seconds(), mtime.nanos())));
    if (link != null) {
      t.setLinkName(link);
    }
    if (e.type.isDevice()) {
      t.setDevMajor(e.devMajor);
      t.setDevMinor(e.devMinor);
    }
    if (!manual) {
      for (Map.Entry<String, byte[]> x : e.xattrs.entrySet()) {
        t.addPaxHeader(
            "SCHILY.xattr." + x.getKey(), new String(x.getValue(), StandardCharsets.UTF_8));
      }
    }
    t.setSize(e.type == EntryType.FILE ? e.content.length : 0);
    tar.putArchiveEntry(t);
    if (e.type == EntryType.FILE) {
      tar.write(e.content);
    }
    tar.closeArchiveEntry();
  }

  /** True when commons-compress would alter a value: it writes PAX records as UTF-8 text. */
  private static boolean needsHandMadePax(Entry e) {
    if (e.name.length() >= 100 && !isAscii(e.name)) {
      return true;
    }
    if (e.link != null && e.link.length() >= 100 && !isAscii(e.link)) {
      return true;
    }
    for (Map.Entry<String, byte[]> x : e.xattrs.entrySet()) {
      if (!isAscii(x.getKey()) || !isUtf8(x.getValue())) {
        return true;
      }
    }
    return false;
  }

  private static String shortName(String name, boolean directory) {
    String s = name.substring(0, 90);
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return directory ? s + "/" : s;
  }

  private static void record(ByteArrayOutputStream out, String key, String latin1Value) {
    record(out, key, latin1Value.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void record(ByteArrayOutputStream out, String key, byte[] value) {
    byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
    int rest = 1 + k.length + 1 + value.length + 1;
    int len = rest + Integer.toString(rest).length();
    if (Integer.toString(len).length() != Integer.toString(rest).length()) {
      len = rest + Integer.toString(len).length();
    }
    out.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(k);
    out.write('=');
    out.writeBytes(value);
    out.write('\n');
  }

  private static byte flag(EntryType type) {
    return (byte) type.typeFlag();
  }

  private static boolean isAscii(String s) {
    return s.chars().allMatch(c -> c < 0x80);
  }

  private static boolean isUtf8(byte[] b) {
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(b));
      // NUL would end the value for some readers; keep it byte-exact by hand.
      return chars.chars().noneMatch(c -> c == 0);
    } catch (CharacterCodingException ex) {
      return false;
    }
  }

  private static String latin1(String utf8Text) {
    return new String(utf8Text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
