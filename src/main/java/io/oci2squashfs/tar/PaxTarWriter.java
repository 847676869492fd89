package io.oci2squashfs.tar;

import static io.oci2squashfs.tar.TarConstants.BLOCK_SIZE;
import static io.oci2squashfs.tar.TarConstants.CHECKSUM_LENGTH;
import static io.oci2squashfs.tar.TarConstants.CHECKSUM_OFFSET;
import static io.oci2squashfs.tar.TarConstants.DEVMAJOR_LENGTH;
import static io.oci2squashfs.tar.TarConstants.DEVMAJOR_OFFSET;
import static io.oci2squashfs.tar.TarConstants.DEVMINOR_LENGTH;
import static io.oci2squashfs.tar.TarConstants.DEVMINOR_OFFSET;
import static io.oci2squashfs.tar.TarConstants.GID_LENGTH;
import static io.oci2squashfs.tar.TarConstants.GID_OFFSET;
import static io.oci2squashfs.tar.TarConstants.LINKNAME_LENGTH;
import static io.oci2squashfs.tar.TarConstants.LINKNAME_OFFSET;
import static io.oci2squashfs.tar.TarConstants.MAGIC_OFFSET;
import static io.oci2squashfs.tar.TarConstants.MAGIC_USTAR;
import static io.oci2squashfs.tar.TarConstants.MODE_LENGTH;
import static io.oci2squashfs.tar.TarConstants.MODE_OFFSET;
import static io.oci2squashfs.tar.TarConstants.MTIME_LENGTH;
import static io.oci2squashfs.tar.TarConstants.MTIME_OFFSET;
import static io.oci2squashfs.tar.TarConstants.NAME_LENGTH;
import static io.oci2squashfs.tar.TarConstants.NAME_OFFSET;
import static io.oci2squashfs.tar.TarConstants.SIZE_LENGTH;
import static io.oci2squashfs.tar.TarConstants.SIZE_OFFSET;
import static io.oci2squashfs.tar.TarConstants.TYPEFLAG_OFFSET;
import static io.oci2squashfs.tar.TarConstants.UID_LENGTH;
import static io.oci2squashfs.tar.TarConstants.UID_OFFSET;
import static io.oci2squashfs.tar.TarConstants.VERSION_OFFSET;
import static io.oci2squashfs.tar.TarConstants.VERSION_USTAR;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes {@link TarHeader}s as a USTAR tar with PAX extended headers where a field does not fit, in
 * the shape mksquashfs 4.6.1 {@code -tar} reads correctly.
 *
 * <p>What mksquashfs needs, and so what this always does: USTAR magic; an empty prefix field; a
 * directory's name ends in {@code /} (and a non-directory's never does); empty {@code uname} and
 * {@code gname}, so that numeric ids are used as they are; a PAX {@code mtime} always has a decimal
 * point; binary xattr values are written byte for byte as {@code SCHILY.xattr.NAME} records.
 *
 * <p>Not thread-safe. Output is buffered internally: call {@link #flush()} or {@link #finish()}.
 */
public final class PaxTarWriter {
  private static final int BUFFER_SIZE = 128 * 1024;
  private static final long MAX_OCTAL_7 = 07777777L;
  private static final long MAX_OCTAL_11 = 077777777777L;
  private static final byte[] ZERO_BLOCK = new byte[BLOCK_SIZE];

  private final OutputStream out;
  private final byte[] buf = new byte[BUFFER_SIZE];
  private int count;
  private final byte[] headerBlock = new byte[BLOCK_SIZE];
  private final ByteArrayOutputStream pax = new ByteArrayOutputStream();
  private long bytesWritten;
  private boolean finished;
  private final long maxHoldNanos;
  private long lastFlush = System.nanoTime();

  /** Writes a PAX tar to {@code out}; the caller owns and closes {@code out}. */
  public PaxTarWriter(OutputStream out) {
    this(out, Duration.ZERO);
  }

  /**
   * Writes a PAX tar to {@code out}, and after an entry flushes what it holds when the last flush
   * is {@code maxHold} or more ago: a reader at the other end of a pipe (mksquashfs) gets the few
   * entries of a layer that is mostly whiteouts at the next entry after that time, not once the
   * buffer is full. (Without a timer, the last entry before a long gap still waits for the next
   * one.) Zero holds bytes until the buffer is full.
   */
  public PaxTarWriter(OutputStream out, Duration maxHold) {
    this.out = out;
    this.maxHoldNanos = maxHold.toNanos();
  }

  /**
   * Writes one entry.
   *
   * @param header the entry; its path must not be the root (mksquashfs takes the root's attributes
   *     from options, and a {@code .} entry would be a child named {@code .})
   * @param content for a {@link EntryType#FILE}, a stream yielding at least {@code header.size()}
   *     bytes, of which exactly that many are copied (the stream is not closed); ignored, and may
   *     be null, for every other type
   * @throws IllegalArgumentException for the root path, a hard link to the root, a symlink target
   *     holding a NUL byte, or an xattr name that cannot be a PAX key
   * @throws IOException if {@code content} ends early or writing fails; the output is then unusable
   */
  public void write(TarHeader header, InputStream content) throws IOException {
    if (finished) {
      throw new IllegalStateException("finish() was called");
    }
    EntryPath path = header.path();
    if (path.isRoot()) {
      throw new IllegalArgumentException("the root directory cannot be written as an entry");
    }
    EntryType type = header.type();
    byte[] name = path.toBytes();
    if (type == EntryType.DIRECTORY) {
      name = Arrays.copyOf(name, name.length + 1);
      name[name.length - 1] = '/';
    }
    writeNamed(header, content, name);
    flushIfHeldTooLong();
  }

  /**
   * Writes the root directory as a {@code ./} entry, the way {@code tar -C DIR -c .} does, for a
   * tar meant to be extracted (not for mksquashfs, which would take it for a child named {@code
   * .}).
   *
   * @param root the root's attributes; its path and type are ignored
   */
  public void writeRoot(TarHeader root) throws IOException {
    if (finished) {
      throw new IllegalStateException("finish() was called");
    }
    TarHeader dir =
        new TarHeader(
            EntryPath.ROOT,
            EntryType.DIRECTORY,
            root.mode(),
            root.uid(),
            root.gid(),
            0,
            root.mtime(),
            null,
            null,
            0,
            0,
            root.xattrs());
    writeNamed(dir, null, ascii("./"));
    flushIfHeldTooLong();
  }

  private void flushIfHeldTooLong() throws IOException {
    if (maxHoldNanos > 0) {
      long now = System.nanoTime();
      if (now - lastFlush >= maxHoldNanos) {
        flush();
        lastFlush = now;
      }
    }
  }

  private void writeNamed(TarHeader header, InputStream content, byte[] name) throws IOException {
    EntryPath path = header.path();
    EntryType type = header.type();
    byte[] link = null;
    if (type == EntryType.SYMLINK) {
      link = header.symlinkTarget().getBytes(StandardCharsets.ISO_8859_1);
      if (header.symlinkTarget().indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "symlink target of " + path.display() + " holds a NUL byte");
      }
    } else if (type == EntryType.HARDLINK) {
      if (header.hardLinkTarget().isRoot()) {
        throw new IllegalArgumentException("hard link " + path.display() + " points at the root");
      }
      link = header.hardLinkTarget().toBytes();
    }
    long size = type == EntryType.FILE ? header.size() : 0;
    Mtime mtime = header.mtime();
    collectPaxRecords(header, name, link, size);

    if (pax.size() > 0) {
      byte[] base = path.isRoot() ? ascii(".") : path.name().getBytes(StandardCharsets.ISO_8859_1);
      byte[] paxName = concat(ascii("PaxHeaders/"), base);
      fillHeader(truncate(paxName, NAME_LENGTH, false), null, 'x', 0644, 0, 0, pax.size(), 0, 0, 0);
      emit(headerBlock);
      emit(pax.toByteArray());
      pad(pax.size());
    }

    fillHeader(
        truncate(name, NAME_LENGTH, type == EntryType.DIRECTORY),
        link == null ? null : truncate(link, LINKNAME_LENGTH, false),
        type.typeFlag(),
        header.mode(),
        header.uid() > MAX_OCTAL_7 ? 0 : header.uid(),
        header.gid() > MAX_OCTAL_7 ? 0 : header.gid(),
        size > MAX_OCTAL_11 ? 0 : size,
        Math.max(0, Math.min(mtime.seconds(), MAX_OCTAL_11)),
        type.isDevice() && header.devMajor() <= MAX_OCTAL_7 ? header.devMajor() : 0,
        type.isDevice() && header.devMinor() <= MAX_OCTAL_7 ? header.devMinor() : 0);
    emit(headerBlock);

    if (size > 0) {
      if (content == null) {
        throw new IllegalArgumentException(
            "no content for " + path.display() + " of " + size + " bytes");
      }
      copy(content, size, path);
      pad(size);
    }
  }

  /**
   * Collects in {@link #pax} the records for what the header fields cannot hold: long names, large
   * numbers, a mtime that is not whole non-negative seconds, and every xattr.
   */
  private void collectPaxRecords(TarHeader header, byte[] name, byte[] link, long size) {
    EntryPath path = header.path();
    EntryType type = header.type();
    pax.reset();
    if (name.length > NAME_LENGTH) {
      paxRecord("path", name);
    }
    if (link != null && link.length > LINKNAME_LENGTH) {
      paxRecord("linkpath", link);
    }
    if (size > MAX_OCTAL_11) {
      paxRecord("size", ascii(Long.toString(size)));
    }
    if (header.uid() > MAX_OCTAL_7) {
      paxRecord("uid", ascii(Long.toString(header.uid())));
    }
    if (header.gid() > MAX_OCTAL_7) {
      paxRecord("gid", ascii(Long.toString(header.gid())));
    }
    Mtime mtime = header.mtime();
    boolean octalMtime =
        mtime.nanos() == 0 && mtime.seconds() >= 0 && mtime.seconds() <= MAX_OCTAL_11;
    if (!octalMtime) {
      paxRecord("mtime", ascii(mtime.toPaxString()));
    }
    if (type.isDevice()) {
      if (header.devMajor() < 0 || header.devMinor() < 0) {
        throw new IllegalArgumentException("negative device number for " + path.display());
      }
      if (header.devMajor() > MAX_OCTAL_7) {
        paxRecord("SCHILY.devmajor", ascii(Integer.toString(header.devMajor())));
      }
      if (header.devMinor() > MAX_OCTAL_7) {
        paxRecord("SCHILY.devminor", ascii(Integer.toString(header.devMinor())));
      }
    }
    for (Map.Entry<String, byte[]> x : header.xattrs().entrySet()) {
      String xname = x.getKey();
      if (xname.isEmpty() || xname.indexOf('=') >= 0 || xname.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "xattr name '"
                + EntryPath.displayOf(xname)
                + "' of "
                + path.display()
                + " cannot be a PAX key");
      }
      paxRecord("SCHILY.xattr." + xname, x.getValue());
    }
  }

  /** Writes the two zero blocks that end the archive and flushes; does not close the stream. */
  public void finish() throws IOException {
    if (!finished) {
      emit(ZERO_BLOCK);
      emit(ZERO_BLOCK);
      finished = true;
    }
    flush();
  }

  /** Passes everything written so far on to the underlying stream and flushes it. */
  public void flush() throws IOException {
    if (count > 0) {
      out.write(buf, 0, count);
      count = 0;
    }
    out.flush();
  }

  /** Bytes of tar written so far, including any still held in the internal buffer. */
  public long bytesWritten() {
    return bytesWritten;
  }

  private void copy(InputStream content, long size, EntryPath path) throws IOException {
    long left = size;
    while (left > 0) {
      if (count == buf.length) {
        out.write(buf, 0, count);
        count = 0;
      }
      // Read straight into the output buffer: no intermediate copy of the file's bytes.
      int n = content.read(buf, count, (int) Math.min(buf.length - count, left));
      if (n < 0) {
        throw new IOException(
            "content of "
                + path.display()
                + " ended after "
                + (size - left)
                + " of "
                + size
                + " bytes");
      }
      count += n;
      left -= n;
      bytesWritten += n;
    }
  }

  private void fillHeader(
      byte[] name,
      byte[] link,
      char typeFlag,
      int mode,
      long uid,
      long gid,
      long size,
      long mtime,
      int devMajor,
      int devMinor) {
    byte[] h = headerBlock;
    Arrays.fill(h, (byte) 0);
    System.arraycopy(name, 0, h, NAME_OFFSET, name.length);
    octal(h, MODE_OFFSET, MODE_LENGTH, mode);
    octal(h, UID_OFFSET, UID_LENGTH, uid);
    octal(h, GID_OFFSET, GID_LENGTH, gid);
    octal(h, SIZE_OFFSET, SIZE_LENGTH, size);
    octal(h, MTIME_OFFSET, MTIME_LENGTH, mtime);
    h[TYPEFLAG_OFFSET] = (byte) typeFlag;
    if (link != null) {
      System.arraycopy(link, 0, h, LINKNAME_OFFSET, link.length);
    }
    put(h, MAGIC_OFFSET, MAGIC_USTAR);
    put(h, VERSION_OFFSET, VERSION_USTAR);
    // uname, gname and prefix stay empty on purpose.
    octal(h, DEVMAJOR_OFFSET, DEVMAJOR_LENGTH, devMajor);
    octal(h, DEVMINOR_OFFSET, DEVMINOR_LENGTH, devMinor);
    Arrays.fill(h, CHECKSUM_OFFSET, CHECKSUM_OFFSET + CHECKSUM_LENGTH, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    // six digits, NUL and space, as GNU tar writes it
    octal(h, CHECKSUM_OFFSET, CHECKSUM_LENGTH - 1, sum);
    h[CHECKSUM_OFFSET + CHECKSUM_LENGTH - 1] = ' ';
  }

  /** Zero-padded octal in {@code len - 1} digits and a terminating NUL. */
  private static void octal(byte[] h, int off, int len, long value) {
    int i = off + len - 1;
    h[i--] = 0;
    long v = value;
    while (i >= off) {
      h[i--] = (byte) ('0' + (v & 7));
      v >>>= 3;
    }
  }

  private static void put(byte[] h, int off, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      h[off + i] = (byte) ascii.charAt(i);
    }
  }

  /**
   * The field form of a name too long for it; the whole name travels in PAX. It must not end in
   * {@code /} unless it is a directory, or mksquashfs could take a file for a directory.
   */
  private static byte[] truncate(byte[] name, int max, boolean directory) {
    if (name.length <= max) {
      return name;
    }
    if (directory) {
      byte[] t = Arrays.copyOf(name, max);
      t[max - 1] = '/';
      return t;
    }
    int n = max;
    while (n > 1 && name[n - 1] == '/') {
      n--;
    }
    return Arrays.copyOf(name, n);
  }

  /** Appends one {@code "%d %s=%s\n"} record; the length counts its own digits. */
  private void paxRecord(String key, byte[] value) {
    byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
    int rest = 1 + k.length + 1 + value.length + 1; // space, key, '=', value, newline
    int digits = Integer.toString(rest).length();
    int total = rest + digits;
    if (Integer.toString(total).length() != digits) {
      total = rest + Integer.toString(total).length();
    }
    pax.writeBytes(ascii(Integer.toString(total)));
    pax.write(' ');
    pax.writeBytes(k);
    pax.write('=');
    pax.writeBytes(value);
    pax.write('\n');
  }

  private void emit(byte[] data) throws IOException {
    emit(data, data.length);
  }

  private void emit(byte[] data, int len) throws IOException {
    if (len > buf.length - count) {
      flushBuffer();
      if (len > buf.length) {
        out.write(data, 0, len);
        bytesWritten += len;
        return;
      }
    }
    System.arraycopy(data, 0, buf, count, len);
    count += len;
    bytesWritten += len;
  }

  private void flushBuffer() throws IOException {
    if (count > 0) {
      out.write(buf, 0, count);
      count = 0;
    }
  }

  private void pad(long size) throws IOException {
    int pad = (int) ((BLOCK_SIZE - size % BLOCK_SIZE) % BLOCK_SIZE);
    if (pad > 0) {
      emit(ZERO_BLOCK, pad);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
