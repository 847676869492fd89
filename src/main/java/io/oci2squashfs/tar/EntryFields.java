package io.oci2squashfs.tar;

import static io.oci2squashfs.tar.PaxRecords.SCHILY_XATTR;
import static io.oci2squashfs.tar.TarConstants.DEVMAJOR_LENGTH;
import static io.oci2squashfs.tar.TarConstants.DEVMAJOR_OFFSET;
import static io.oci2squashfs.tar.TarConstants.DEVMINOR_LENGTH;
import static io.oci2squashfs.tar.TarConstants.DEVMINOR_OFFSET;
import static io.oci2squashfs.tar.TarConstants.GID_LENGTH;
import static io.oci2squashfs.tar.TarConstants.GID_OFFSET;
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
import static io.oci2squashfs.tar.TarConstants.STAR_MAGIC_OFFSET;
import static io.oci2squashfs.tar.TarConstants.STAR_PREFIX_LENGTH;
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

import java.util.Map;
import java.util.TreeMap;

/**
 * The fields of the tar entry being read, as its sources give them in turn: the header block, then
 * the PAX records (global defaults included), then GNU long names, which Go lets win over PAX. One
 * instance per {@link TarReader}, reset from each header block, so that reading an entry allocates
 * nothing but what the entry keeps; {@link #toHeader} makes the entry's {@link TarHeader}.
 */
final class EntryFields {
  /** The dialect of a header block, told by its magic. */
  enum Format {
    V7,
    USTAR,
    GNU,
    STAR
  }

  /** The reader's header block, which {@link #readHeader} decodes. */
  private final byte[] hdr;

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

  /** Fields decoded from {@code hdr}, the reader's header block (shared, not copied). */
  EntryFields(byte[] hdr) {
    this.hdr = hdr;
  }

  /** Checks the header block's checksum, and tells its dialect by its magic. */
  Format verifyChecksumAndGetFormat(long number) throws TarFormatException {
    TarFields.verifyChecksum(hdr, number);
    if (matches(hdr, MAGIC_OFFSET, MAGIC_USTAR)) {
      return matches(hdr, STAR_MAGIC_OFFSET, MAGIC_STAR) ? Format.STAR : Format.USTAR;
    }
    if (matches(hdr, MAGIC_OFFSET, MAGIC_GNU) && matches(hdr, VERSION_OFFSET, VERSION_GNU)) {
      return Format.GNU;
    }
    return Format.V7;
  }

  /** A numeric field of the header block. */
  long parseNumeric(int off, int len, String field, long number) throws TarFormatException {
    return TarFields.parseNumeric(hdr, off, len, field, number);
  }

  /** The entry's name as it stands so far, for messages. */
  String name() {
    return name;
  }

  /** Replaces the name (a PAX sparse file's real name). */
  void rename(String newName) {
    name = newName;
  }

  long dataSize() {
    return dataSize;
  }

  /** Sets every field from the header block, whose size field said {@code headerSize}. */
  void readHeader(long number, Format format, long headerSize) throws TarFormatException {
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

  /**
   * Lets the PAX records override the header's fields, and collects the xattrs: SCHILY ones raw,
   * then libarchive's, which the SCHILY one of the same name beats (libarchive writes both).
   */
  void applyPax(Map<String, byte[]> pax, long number) throws TarFormatException {
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
    xattrs = PaxRecords.addLibarchiveXattrs(pax, xattrs, number, name);
  }

  /** GNU {@code L} and {@code K} names, when not null or empty; Go lets them beat PAX. */
  void applyGnuLongNames(String longName, String longLink) {
    if (longName != null && !longName.isEmpty()) {
      name = longName;
    }
    if (longLink != null && !longLink.isEmpty()) {
      link = longLink;
    }
  }

  /** Rejects what no entry may hold, once every source of its fields is applied. */
  void check(long number) throws TarFormatException {
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

  /** The entry type that {@code typeFlag} (and, for a legacy NUL flag, the name) stands for. */
  EntryType entryType(byte typeFlag, long number) throws TarFormatException {
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

  /** The entry's {@link TarHeader}, of type {@code type} with {@code contentSize} bytes. */
  TarHeader toHeader(long number, EntryType type, long contentSize) throws TarFormatException {
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
    return new TarHeader(
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
  }
}
