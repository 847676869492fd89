package io.oci2squashfs.tar;

import static io.oci2squashfs.tar.TarConstants.BLOCK_SIZE;
import static io.oci2squashfs.tar.TarConstants.GNU_REALSIZE_LENGTH;
import static io.oci2squashfs.tar.TarConstants.GNU_REALSIZE_OFFSET;
import static io.oci2squashfs.tar.TarConstants.SIZE_LENGTH;
import static io.oci2squashfs.tar.TarConstants.SIZE_OFFSET;
import static io.oci2squashfs.tar.TarConstants.TYPEFLAG_OFFSET;
import static io.oci2squashfs.tar.TarFields.cString;
import static io.oci2squashfs.tar.TarFields.fail;

import io.oci2squashfs.tar.EntryFields.Format;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads every tar dialect container layers use (V7, USTAR, GNU, PAX, STAR) into {@link TarHeader}s.
 *
 * <p>Where dialects disagree this follows Go's {@code archive/tar}, which docker and containerd
 * use, except that PAX global ({@code g}) headers are applied as defaults to the entries that
 * follow them (Go hands them to the caller, which ignores them) and a GNU header's atime/ctime area
 * is never read as a USTAR prefix (Go falls back to that for archives written by Go before 1.8).
 * Values are kept as raw bytes throughout: names as ISO-8859-1 strings, xattr values as byte
 * arrays, so nothing is decoded as UTF-8 on the way.
 *
 * <p>The project has its own reader, not Commons Compress's {@code TarArchiveInputStream} (a
 * dependency anyway, for bzip2), because PAX values must be binary-safe: Commons Compress decodes
 * every PAX value as UTF-8, which changes a name that is not UTF-8 and an xattr value such as
 * {@code security.capability}. The code is split as Commons Compress splits its reader: {@link
 * TarConstants} names the header fields, {@code TarFields} decodes them, {@code EntryFields} holds
 * the fields of the entry being read as its header block, PAX records and GNU long names give them,
 * {@code PaxRecords} and {@code SparseMaps} read PAX records and sparse maps, {@code BlockInput}
 * reads the blocks; this class walks the meta headers to each entry and streams its content.
 *
 * <p>Not thread-safe. The reader buffers internally; the caller need not pass a buffered stream.
 */
public final class TarReader {
  /**
   * Largest PAX or GNU long-name header accepted; real ones are tiny, a bigger one is an attack or
   * junk.
   */
  static final int MAX_META_SIZE = 8 * 1024 * 1024;

  private final BlockInput input;
  private boolean archiveEnded;

  private final byte[] hdr = new byte[BLOCK_SIZE];

  /** Defaults from PAX global headers; empty values are never stored (they delete). */
  private final Map<String, byte[]> globalPax = new HashMap<>();

  private long entryNumber;
  private String rawName;
  private TarHeader current;

  /** Bumped on every {@link #next()}, so that a stale {@link #content()} view reads nothing. */
  private long generation;

  private long logicalSize;
  private long logicalPos;

  /** Sparse data fragments as offset,length pairs, or null for a contiguous file. */
  private long[] sparse;

  private int sparseIndex;
  private byte[] zeros;

  /** The entry being read: set from its header block, then from PAX records and GNU long names. */
  private final EntryFields fields = new EntryFields(hdr);

  /** Reads an uncompressed tar stream. The caller owns and closes {@code in}. */
  public TarReader(InputStream in) {
    this.input = new BlockInput(in);
  }

  /**
   * Moves to the next entry, skipping whatever content of the previous entry was not read.
   *
   * <p>The archive ends at two zero blocks, or (like Go) where the stream ends cleanly at a header
   * boundary. A stream ending inside a header or an entry's data, or right after a PAX or GNU meta
   * header, is a {@link TarFormatException} saying "truncated".
   *
   * @return the next entry, or null at the end of the archive (and on every later call)
   * @throws TarFormatException if the stream is not a readable tar or an entry name is forbidden
   */
  public TarHeader next() throws IOException {
    if (archiveEnded) {
      return null;
    }
    leaveEntry();
    long number = entryNumber + 1;
    Map<String, byte[]> pax = null;
    String longName = null;
    String longLink = null;
    while (true) {
      boolean pendingMeta = pax != null || longName != null || longLink != null;
      if (!input.readBlock(hdr, number)) {
        return endOfArchive(number, pendingMeta);
      }
      if (BlockInput.isZeroBlock(hdr)) {
        // Like Go: a lone zero block at EOF ends the archive too; zero then non-zero is an error.
        if (input.readBlock(hdr, number) && !BlockInput.isZeroBlock(hdr)) {
          throw fail(number, null, "a zero block is followed by a non-zero block");
        }
        return endOfArchive(number, pendingMeta);
      }
      Format format = fields.verifyChecksumAndGetFormat(number);
      byte typeFlag = hdr[TYPEFLAG_OFFSET];
      long size = fields.parseNumeric(SIZE_OFFSET, SIZE_LENGTH, "size", number);
      if (size < 0) {
        throw fail(number, null, "negative size " + size);
      }
      switch (typeFlag) {
        case 'x':
          pax = PaxRecords.parse(readMeta(size, number, "PAX header"), number);
          continue;
        case 'g':
          byte[] global = readMeta(size, number, "PAX global header");
          PaxRecords.mergeGlobal(globalPax, PaxRecords.parse(global, number));
          continue;
        case 'L':
          longName = cString(readMeta(size, number, "GNU long name"));
          continue;
        case 'K':
          longLink = cString(readMeta(size, number, "GNU long link"));
          continue;
        case 'V':
          // A volume label names the archive, not a file; what came before it described it.
          skipData(size + BlockInput.padding(size));
          pax = null;
          longName = null;
          longLink = null;
          continue;
        default:
          return readEntry(
              number,
              format,
              typeFlag,
              size,
              PaxRecords.withGlobal(globalPax, pax),
              longName,
              longLink);
      }
    }
  }

  /** Skips what is left of the current entry's data, and forgets the entry. */
  private void leaveEntry() throws IOException {
    if (!input.skipDataAndPadding()) {
      throw truncatedData(entryNumber == 0 ? 1 : entryNumber);
    }
    current = null;
    rawName = null;
    sparse = null;
    logicalSize = 0;
    logicalPos = 0;
    generation++;
  }

  private TarHeader endOfArchive(long number, boolean pendingMeta) throws TarFormatException {
    if (pendingMeta) {
      throw fail(
          number, null, "truncated: a PAX or GNU long-name header is not followed by an entry");
    }
    archiveEnded = true;
    return null;
  }

  /** Reads the entry whose header block is in {@link #hdr}, after any meta headers. */
  private TarHeader readEntry(
      long number,
      Format format,
      byte typeFlag,
      long headerSize,
      Map<String, byte[]> pax,
      String longName,
      String longLink)
      throws IOException {
    fields.readHeader(number, format, headerSize);
    if (pax != null) {
      fields.applyPax(pax, number);
    }
    fields.applyGnuLongNames(longName, longLink);
    rawName = fields.name();
    fields.check(number);
    EntryType type = fields.entryType(typeFlag, number);
    long contentSize = 0;
    if (typeFlag == 'D') {
      input.startData(fields.dataSize()); // skipped: the listing is not needed
    } else if (type == EntryType.FILE) {
      contentSize = startContent(number, format, typeFlag == 'S', pax);
    }
    logicalSize = contentSize;
    current = fields.toHeader(number, type, contentSize);
    entryNumber = number;
    return current;
  }

  /**
   * Starts a file's data section and reads its sparse map, if it has one; returns the size of its
   * content, for a sparse file the real size.
   */
  private long startContent(long number, Format format, boolean oldSparse, Map<String, byte[]> pax)
      throws IOException {
    long dataSize = fields.dataSize();
    input.startData(dataSize);
    long contentSize = dataSize;
    int paxSparse = oldSparse || pax == null ? SparseMaps.NOT_SPARSE : SparseMaps.paxFormat(pax);
    if (oldSparse) {
      if (format != Format.GNU) {
        throw fail(number, fields.name(), "old GNU sparse entry (type 'S') without a GNU header");
      }
      contentSize =
          fields.parseNumeric(GNU_REALSIZE_OFFSET, GNU_REALSIZE_LENGTH, "realsize", number);
      sparse = SparseMaps.readOldGnu(hdr, input, number, fields.name());
    } else if (paxSparse != SparseMaps.NOT_SPARSE) {
      long realSize = SparseMaps.paxRealSize(pax, input.dataRemaining(), number, fields.name());
      sparse = SparseMaps.readPax(pax, paxSparse, input, number, fields.name());
      if (realSize >= 0) {
        contentSize = realSize;
        String sparseName = PaxRecords.string(pax, "GNU.sparse.name");
        if (!sparseName.isEmpty()) {
          fields.rename(sparseName);
          rawName = sparseName;
        }
      }
    }
    if (sparse != null) {
      SparseMaps.validate(sparse, contentSize, input.dataRemaining(), number, fields.name());
      sparseIndex = 0;
    }
    return contentSize;
  }

  /** The current entry, or null before the first {@link #next()} and after the end. */
  public TarHeader current() {
    return current;
  }

  /**
   * The current entry's content: exactly {@code header.size()} bytes, sparse files expanded with
   * zeros to their real size; empty for anything but a file. Reading past the current entry is
   * impossible, and once {@link #next()} has been called a view obtained earlier reads nothing.
   * {@code close()} is a no-op: the caller owns the underlying stream.
   */
  public InputStream content() {
    return new Content(generation);
  }

  /**
   * 1-based number of the current entry, counting only real entries (not PAX or GNU meta headers).
   */
  public long entryNumber() {
    return entryNumber;
  }

  /** The raw (un-normalised) name of the current entry, one char per byte, for messages. */
  public String rawName() {
    return rawName;
  }

  private final class Content extends InputStream {
    private final long gen;
    private final byte[] one = new byte[1];

    Content(long gen) {
      this.gen = gen;
    }

    private boolean live() {
      return gen == generation && current != null;
    }

    @Override
    public int read() throws IOException {
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (!live()) {
        return -1;
      }
      return readContent(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
      if (!live() || n <= 0) {
        return 0;
      }
      long todo = Math.min(n, logicalSize - logicalPos);
      if (sparse == null) {
        skipData(todo);
        logicalPos += todo;
        return todo;
      }
      return super.skip(todo);
    }

    @Override
    public int available() {
      if (!live() || sparse != null) {
        return 0;
      }
      return (int) Math.min(input.buffered(), logicalSize - logicalPos);
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
      if (!live()) {
        return 0;
      }
      long total = 0;
      while (logicalPos < logicalSize) {
        total += transferChunk(out);
      }
      return total;
    }

    @Override
    public void close() {
      // The caller owns the tar stream; closing one entry's view must not close it.
    }
  }

  private int readContent(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    long left = logicalSize - logicalPos;
    if (left <= 0) {
      return -1;
    }
    int n = (int) Math.min(len, left);
    if (sparse != null) {
      long holeEnd = sparseDataOrHoleEnd();
      if (holeEnd >= 0) {
        n = (int) Math.min(n, holeEnd - logicalPos);
        Arrays.fill(b, off, off + n, (byte) 0);
        logicalPos += n;
        return n;
      }
      n = (int) Math.min(n, sparse[sparseIndex] + sparse[sparseIndex + 1] - logicalPos);
    }
    n = input.readData(b, off, n);
    if (n < 0) {
      throw truncatedData(entryNumber);
    }
    logicalPos += n;
    return n;
  }

  /**
   * Moves the sparse cursor to the fragment at or after the logical position; returns the end of
   * the hole the position is in, or -1 when it is inside a data fragment.
   */
  private long sparseDataOrHoleEnd() {
    while (sparseIndex < sparse.length
        && logicalPos >= sparse[sparseIndex] + sparse[sparseIndex + 1]) {
      sparseIndex += 2;
    }
    if (sparseIndex >= sparse.length) {
      return logicalSize;
    }
    return logicalPos < sparse[sparseIndex] ? sparse[sparseIndex] : -1;
  }

  /** Writes the next piece of content straight from the internal buffer (or zeros for a hole). */
  private long transferChunk(OutputStream out) throws IOException {
    long left = logicalSize - logicalPos;
    if (sparse != null) {
      long holeEnd = sparseDataOrHoleEnd();
      if (holeEnd >= 0) {
        if (zeros == null) {
          zeros = new byte[BlockInput.BUFFER_SIZE];
        }
        int n = (int) Math.min(zeros.length, holeEnd - logicalPos);
        out.write(zeros, 0, n);
        logicalPos += n;
        return n;
      }
      left = Math.min(left, sparse[sparseIndex] + sparse[sparseIndex + 1] - logicalPos);
    }
    int n = input.writeData(out, left);
    if (n < 0) {
      throw truncatedData(entryNumber);
    }
    logicalPos += n;
    return n;
  }

  /** Reads the whole data section of a meta header (PAX, GNU long name), which must be small. */
  private byte[] readMeta(long size, long number, String what) throws IOException {
    if (size > MAX_META_SIZE) {
      throw fail(
          number,
          null,
          what + " of " + size + " bytes is larger than the " + MAX_META_SIZE + " bytes allowed");
    }
    byte[] data = new byte[(int) size];
    if (!input.readPadded(data)) {
      throw fail(number, null, "truncated: the stream ends inside a " + what);
    }
    return data;
  }

  /** Discards {@code n} bytes of data, or padding. */
  private void skipData(long n) throws IOException {
    if (!input.skip(n)) {
      throw truncatedData(entryNumber == 0 ? 1 : entryNumber);
    }
  }

  private TarFormatException truncatedData(long number) {
    return fail(number, rawName, "truncated: the stream ends inside the entry's data");
  }
}
