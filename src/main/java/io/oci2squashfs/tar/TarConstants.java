package io.oci2squashfs.tar;

/**
 * Where each field of a tar header block lies: every offset and length named once, for the reader,
 * the writer and the layer sniffer alike.
 *
 * <p>The USTAR fields are POSIX's; the GNU and STAR ones are the dialects' uses of the bytes that
 * POSIX gives to the prefix. Offsets count from the start of the 512-byte block.
 */
public final class TarConstants {
  /** Size of a header block, and the unit data sections are padded to. */
  public static final int BLOCK_SIZE = 512;

  /** Entry name, NUL-terminated unless it fills the field. */
  public static final int NAME_OFFSET = 0;

  /** Length of the name field. */
  public static final int NAME_LENGTH = 100;

  /** Permission bits, octal. */
  public static final int MODE_OFFSET = 100;

  /** Length of the mode field. */
  public static final int MODE_LENGTH = 8;

  /** Owner's numeric id, octal or base-256. */
  public static final int UID_OFFSET = 108;

  /** Length of the uid field. */
  public static final int UID_LENGTH = 8;

  /** Group's numeric id, octal or base-256. */
  public static final int GID_OFFSET = 116;

  /** Length of the gid field. */
  public static final int GID_LENGTH = 8;

  /** Size of the data section, octal or base-256. */
  public static final int SIZE_OFFSET = 124;

  /** Length of the size field. */
  public static final int SIZE_LENGTH = 12;

  /** Modification time in whole seconds, octal or base-256. */
  public static final int MTIME_OFFSET = 136;

  /** Length of the mtime field. */
  public static final int MTIME_LENGTH = 12;

  /** Header checksum, summed with this field taken as spaces. */
  public static final int CHECKSUM_OFFSET = 148;

  /** Length of the checksum field. */
  public static final int CHECKSUM_LENGTH = 8;

  /** The one-byte type flag. */
  public static final int TYPEFLAG_OFFSET = 156;

  /** Link target, NUL-terminated unless it fills the field. */
  public static final int LINKNAME_OFFSET = 157;

  /** Length of the link name field. */
  public static final int LINKNAME_LENGTH = 100;

  /** Magic: {@link #MAGIC_USTAR} (POSIX, STAR) or {@link #MAGIC_GNU}; V7 has none. */
  public static final int MAGIC_OFFSET = 257;

  /** Version, right after the magic: {@link #VERSION_USTAR} or {@link #VERSION_GNU}. */
  public static final int VERSION_OFFSET = 263;

  /** Owner's user name; written empty so that numeric ids are used. */
  public static final int UNAME_OFFSET = 265;

  /** Group name; written empty so that numeric ids are used. */
  public static final int GNAME_OFFSET = 297;

  /** Device major number, octal or base-256. */
  public static final int DEVMAJOR_OFFSET = 329;

  /** Length of the devmajor field. */
  public static final int DEVMAJOR_LENGTH = 8;

  /** Device minor number, octal or base-256. */
  public static final int DEVMINOR_OFFSET = 337;

  /** Length of the devminor field. */
  public static final int DEVMINOR_LENGTH = 8;

  /** POSIX ustar name prefix, joined to the name with a {@code /}. */
  public static final int PREFIX_OFFSET = 345;

  /** Length of the POSIX ustar prefix field. */
  public static final int PREFIX_LENGTH = 155;

  /** Length of the STAR prefix field, which ends where STAR keeps its atime and ctime. */
  public static final int STAR_PREFIX_LENGTH = 131;

  /** STAR's trailer, {@link #MAGIC_STAR}, in the last bytes of a USTAR header. */
  public static final int STAR_MAGIC_OFFSET = 508;

  /** First of the old GNU sparse map's entries in the header; GNU keeps atime and ctime before. */
  public static final int GNU_SPARSE_OFFSET = 386;

  /** Number of sparse map entries in the header. */
  public static final int GNU_SPARSE_ENTRIES = 4;

  /** A byte that is not NUL when a sparse extension block follows the header. */
  public static final int GNU_IS_EXTENDED_OFFSET = 482;

  /** Real (expanded) size of an old GNU sparse file, octal or base-256. */
  public static final int GNU_REALSIZE_OFFSET = 483;

  /** Length of the real size field. */
  public static final int GNU_REALSIZE_LENGTH = 12;

  /** Length of one sparse map entry: an offset field, then a length field. */
  public static final int GNU_SPARSE_ENTRY_LENGTH = 24;

  /** Length of each of the two numbers of a sparse map entry, octal or base-256. */
  public static final int GNU_SPARSE_NUMBER_LENGTH = 12;

  /** Number of sparse map entries in an extension block, starting at its first byte. */
  public static final int GNU_EXTENSION_ENTRIES = 21;

  /** In an extension block, the byte that is not NUL when another extension block follows. */
  public static final int GNU_EXTENSION_IS_EXTENDED_OFFSET = 504;

  /** POSIX ustar magic, NUL-terminated. */
  public static final String MAGIC_USTAR = "ustar\0";

  /** POSIX ustar version. */
  public static final String VERSION_USTAR = "00";

  /** GNU tar's magic, space-terminated. */
  public static final String MAGIC_GNU = "ustar ";

  /** GNU tar's version. */
  public static final String VERSION_GNU = " \0";

  /** STAR's trailer at {@link #STAR_MAGIC_OFFSET}. */
  public static final String MAGIC_STAR = "tar\0";

  private TarConstants() {}
}
