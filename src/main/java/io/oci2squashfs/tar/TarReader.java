package io.oci2squashfs.tar;

import static io.oci2squashfs.tar.PaxRecords.SCHILY_XATTR;
import static io.oci2squashfs.tar.TarConstants.BLOCK_SIZE;
import static io.oci2squashfs.tar.TarConstants.DEVMAJOR_LENGTH;
import static io.oci2squashfs.tar.TarConstants.DEVMAJOR_OFFSET;
import static io.oci2squashfs.tar.TarConstants.DEVMINOR_LENGTH;
import static io.oci2squashfs.tar.TarConstants.DEVMINOR_OFFSET;
import static io.oci2squashfs.tar.TarConstants.GID_LENGTH;
import static io.oci2squashfs.tar.TarConstants.GID_OFFSET;
import static io.oci2squashfs.tar.TarConstants.GNU_REALSIZE_LENGTH;
import static io.oci2squashfs.tar.TarConstants.GNU_REALSIZE_OFFSET;
import static io.oci2squashfs.tar.TarConstants.LINKNAME_LENGTH;
import static io.oci2squashfs.tar.TarConstants.LINKNAME_OFFSET;
import static io.oci2squashfs.tar.TarConstants.MAGIC_GNU;
import static io.oci2squashfs.tar.TarConstants.MAGIC_OFFSET;
import static io.oci2squashfs.tar.TarConstants.MAGIC_STAR;
import static io.oci2squashfs.tar.TarConstants.MAGIC_USTAR;
import static io.oci2squashfs.tar.TarConstants.MODE_LENGTH;
import static io.oci2squashfs.tar.TarConstants.MODE_OFFSET;
import static io.oci2squashfs.tar.TarConstants.MTIME_LENGTH;
import static io.oci2squashfs.tar.TarConstants.MTIME_OFFSET;
import static io.oci2squashfs.tar.TarConstants.NAME_LENGTH;
import static io.oci2squashfs.tar.TarConstants.NAME_OFFSET;
import static io.oci2squashfs.tar.TarConstants.PREFIX_LENGTH;
import static io.oci2squashfs.tar.TarConstants.PREFIX_OFFSET;
import static io.oci2squashfs.tar.TarConstants.SIZE_LENGTH;
import static io.oci2squashfs.tar.TarConstants.SIZE_OFFSET;
import static io.oci2squashfs.tar.TarConstants.STAR_MAGIC_OFFSET;
import static io.oci2squashfs.tar.TarConstants.STAR_PREFIX_LENGTH;
import static io.oci2squashfs.tar.TarConstants.TYPEFLAG_OFFSET;
import static io.oci2squashfs.tar.TarConstants.UID_LENGTH;
import static io.oci2squashfs.tar.TarConstants.UID_OFFSET;
import static io.oci2squashfs.tar.TarConstants.VERSION_GNU;
import static io.oci2squashfs.tar.TarConstants.VERSION_OFFSET;
import static io.oci2squashfs.tar.TarFields.cString;
import static io.oci2squashfs.tar.TarFields.describeTypeFlag;
import static io.oci2squashfs.tar.TarFields.fail;
import static io.oci2squashfs.tar.TarFields.latin1;
import static io.oci2squashfs.tar.TarFields.matches;
import static io.oci2squashfs.tar.TarFields.toInt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

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
 * TarConstants} names the header fields, {@code TarFields} decodes them, {@code PaxRecords} and
 * {@code SparseMaps} read PAX records and sparse maps, {@code BlockInput} reads the blocks; this
 * class keeps the entries and the streaming of their content.
 *
 * <p>Not thread-safe. The reader buffers internally; the caller need not pass a buffered stream.
 */
public final class TarReader {
  /**
   * Largest PAX or GNU long-name header accepted; real ones are tiny, a bigger one is an attack or
   * junk.
   */
  static final int MAX_META_SIZE = 8 * 1024 * 1024;

  private enum Format {
    V7,
    USTAR,
    GNU,
    STAR
  }

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

  // The entry being read: set from its header block, then from PAX records and GNU long names.
  private String name;
  private String link;

  /** Size of the entry's data section in the archive; a sparse file's content is larger. */
  private long dataSize;

  private int mode;
  private long uid;
  private long gid;
  private long mtimeSeconds;

  /** The PAX mtime, or null until the header's whole seconds stand in for it. */
  private Mtime mtime;

  private int devMajor;
  private int devMinor;
  private Map<String, byte[]> xattrs;

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
      Format format = verifyChecksumAndGetFormat(number);
      byte typeFlag = hdr[TYPEFLAG_OFFSET];
      long size = parseNumeric(SIZE_OFFSET, SIZE_LENGTH, "size", number);
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
    readHeaderFields(number, format, headerSize);
    if (pax != null) {
      applyPax(pax, number);
      // libarchive writes both forms for one attribute; the SCHILY one is raw and wins.
      xattrs = PaxRecords.addLibarchiveXattrs(pax, xattrs, number, name);
    }
    // Go lets a GNU long name or link beat PAX.
    if (longName != null && !longName.isEmpty()) {
      name = longName;
    }
    if (longLink != null && !longLink.isEmpty()) {
      link = longLink;
    }
    rawName = name;
    checkFields(number);
    EntryType type = entryType(typeFlag, number);
    long contentSize = 0;
    if (typeFlag == 'D') {
      input.startData(dataSize); // skipped: the listing is not needed
    } else if (type == EntryType.FILE) {
      contentSize = startContent(number, format, typeFlag == 'S', pax);
    }
    logicalSize = contentSize;
    return newHeader(number, type, contentSize);
  }

  /** Sets the entry's fields from its header block. */
  private void readHeaderFields(long number, Format format, long headerSize)
      throws TarFormatException {
    dataSize = headerSize;
    name = cString(hdr, NAME_OFFSET, NAME_LENGTH);
    link = cString(hdr, LINKNAME_OFFSET, LINKNAME_LENGTH);
    devMajor = 0;
    devMinor = 0;
    if (format == Format.USTAR || format == Format.STAR) {
      // Only POSIX ustar has a prefix; GNU keeps atime/ctime in those bytes.
      String prefix =
          cString(hdr, PREFIX_OFFSET, format == Format.STAR ? STAR_PREFIX_LENGTH : PREFIX_LENGTH);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    if (format != Format.V7) {
      devMajor =
          toInt(
              parseNumeric(DEVMAJOR_OFFSET, DEVMAJOR_LENGTH, "devmajor", number),
              "devmajor",
              number);
      devMinor =
          toInt(
              parseNumeric(DEVMINOR_OFFSET, DEVMINOR_LENGTH, "devminor", number),
              "devminor",
              number);
    }
    mode = (int) (parseNumeric(MODE_OFFSET, MODE_LENGTH, "mode", number) & 07777);
    uid = parseNumeric(UID_OFFSET, UID_LENGTH, "uid", number);
    gid = parseNumeric(GID_OFFSET, GID_LENGTH, "gid", number);
    mtimeSeconds = parseNumeric(MTIME_OFFSET, MTIME_LENGTH, "mtime", number);
    mtime = null;
    xattrs = null;
  }

  /** Lets the PAX records override the header's fields, and collects the SCHILY xattrs. */
  private void applyPax(Map<String, byte[]> pax, long number) throws TarFormatException {
    for (Map.Entry<String, byte[]> e : pax.entrySet()) {
      String key = e.getKey();
      byte[] value = e.getValue();
      if (value.length == 0) {
        continue; // an empty value deletes the key: the header field stands
      }
      switch (key) {
        case "path":
          name = latin1(value);
          break;
        case "linkpath":
          link = latin1(value);
          break;
        case "size":
          dataSize = PaxRecords.longValue(key, value, number, name);
          break;
        case "uid":
          uid = PaxRecords.longValue(key, value, number, name);
          break;
        case "gid":
          gid = PaxRecords.longValue(key, value, number, name);
          break;
        case "mtime":
          try {
            mtime = Mtime.parsePax(latin1(value));
          } catch (NumberFormatException | ArithmeticException ex) {
            throw fail(number, name, "bad PAX mtime '" + latin1(value) + "'", ex);
          }
          break;
        case "SCHILY.devmajor":
          devMajor = toInt(PaxRecords.longValue(key, value, number, name), key, number, name);
          break;
        case "SCHILY.devminor":
          devMinor = toInt(PaxRecords.longValue(key, value, number, name), key, number, name);
          break;
        default:
          if (key.startsWith(SCHILY_XATTR) && key.length() > SCHILY_XATTR.length()) {
            if (xattrs == null) {
              xattrs = new TreeMap<>();
            }
            xattrs.put(key.substring(SCHILY_XATTR.length()), value);
          }
          break;
      }
    }
  }

  /** Rejects what no entry may hold, once every source of its fields is applied. */
  private void checkFields(long number) throws TarFormatException {
    if (dataSize < 0) {
      throw fail(number, name, "negative size " + dataSize);
    }
    if (uid < 0 || gid < 0) {
      throw fail(number, name, "negative uid or gid " + uid + ":" + gid);
    }
    if (mtime == null) {
      mtime = Mtime.ofSeconds(mtimeSeconds);
    }
    if (name.isEmpty()) {
      throw fail(number, null, "empty entry name");
    }
  }

  private EntryType entryType(byte typeFlag, long number) throws TarFormatException {
    switch (typeFlag) {
      case '0':
      case '7':
      case 'S': // old GNU sparse
        return EntryType.FILE;
      case 0:
        // Like Go: legacy archives mark a directory with a trailing slash and type NUL.
        return name.endsWith("/") ? EntryType.DIRECTORY : EntryType.FILE;
      case '1':
        return EntryType.HARDLINK;
      case '2':
        return EntryType.SYMLINK;
      case '3':
        return EntryType.CHAR_DEVICE;
      case '4':
        return EntryType.BLOCK_DEVICE;
      case '5':
        return EntryType.DIRECTORY;
      case '6':
        return EntryType.FIFO;
      case 'D':
        // GNU dumpdir: a directory whose data lists its contents at dump time; not needed.
        return EntryType.DIRECTORY;
      default:
        throw fail(number, name, "unsupported entry type " + describeTypeFlag(typeFlag));
    }
  }

  /**
   * Starts a file's data section and reads its sparse map, if it has one; returns the size of its
   * content, for a sparse file the real size.
   */
  private long startContent(long number, Format format, boolean oldSparse, Map<String, byte[]> pax)
      throws IOException {
    input.startData(dataSize);
    long contentSize = dataSize;
    int paxSparse = oldSparse || pax == null ? SparseMaps.NOT_SPARSE : SparseMaps.paxFormat(pax);
    if (oldSparse) {
      if (format != Format.GNU) {
        throw fail(number, name, "old GNU sparse entry (type 'S') without a GNU header");
      }
      contentSize = parseNumeric(GNU_REALSIZE_OFFSET, GNU_REALSIZE_LENGTH, "realsize", number);
      sparse = SparseMaps.readOldGnu(hdr, input, number, name);
    } else if (paxSparse != SparseMaps.NOT_SPARSE) {
      long realSize = SparseMaps.paxRealSize(pax, input.dataRemaining(), number, name);
      sparse = SparseMaps.readPax(pax, paxSparse, input, number, name);
      if (realSize >= 0) {
        contentSize = realSize;
        String sparseName = PaxRecords.string(pax, "GNU.sparse.name");
        if (!sparseName.isEmpty()) {
          name = sparseName;
          rawName = name;
        }
      }
    }
    if (sparse != null) {
      SparseMaps.validate(sparse, contentSize, input.dataRemaining(), number, name);
      sparseIndex = 0;
    }
    return contentSize;
  }

  /** Makes the entry's {@link TarHeader} from its fields; it becomes the current entry. */
  private TarHeader newHeader(long number, EntryType type, long contentSize)
      throws TarFormatException {
    EntryPath path;
    EntryPath hardLinkTarget = null;
    try {
      path = EntryPath.of(name);
      if (type == EntryType.HARDLINK) {
        if (link.isEmpty()) {
          throw fail(number, name, "hard link with an empty target");
        }
        hardLinkTarget = EntryPath.of(link);
      }
    } catch (InvalidEntryPathException e) {
      throw fail(number, name, e.getMessage(), e);
    }
    if (!type.isDevice()) {
      devMajor = 0;
      devMinor = 0;
    }
    entryNumber = number;
    current =
        new TarHeader(
            path,
            type,
            mode,
            uid,
            gid,
            contentSize,
            mtime,
            type == EntryType.SYMLINK ? link : null,
            hardLinkTarget,
            devMajor,
            devMinor,
            xattrs);
    return current;
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

  /** Checks the header block's checksum, and tells its dialect by its magic. */
  private Format verifyChecksumAndGetFormat(long number) throws TarFormatException {
    TarFields.verifyChecksum(hdr, number);
    if (matches(hdr, MAGIC_OFFSET, MAGIC_USTAR)) {
      return matches(hdr, STAR_MAGIC_OFFSET, MAGIC_STAR) ? Format.STAR : Format.USTAR;
    }
    if (matches(hdr, MAGIC_OFFSET, MAGIC_GNU) && matches(hdr, VERSION_OFFSET, VERSION_GNU)) {
      return Format.GNU;
    }
    return Format.V7;
  }

  private long parseNumeric(int off, int len, String field, long number) throws TarFormatException {
    return TarFields.parseNumeric(hdr, off, len, field, number);
  }
}
