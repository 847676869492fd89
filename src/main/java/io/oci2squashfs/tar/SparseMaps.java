package io.oci2squashfs.tar;

import static io.oci2squashfs.tar.PaxRecords.SPARSE_MAP;
import static io.oci2squashfs.tar.TarConstants.BLOCK_SIZE;
import static io.oci2squashfs.tar.TarConstants.GNU_EXTENSION_ENTRIES;
import static io.oci2squashfs.tar.TarConstants.GNU_EXTENSION_IS_EXTENDED_OFFSET;
import static io.oci2squashfs.tar.TarConstants.GNU_IS_EXTENDED_OFFSET;
import static io.oci2squashfs.tar.TarConstants.GNU_SPARSE_ENTRIES;
import static io.oci2squashfs.tar.TarConstants.GNU_SPARSE_ENTRY_LENGTH;
import static io.oci2squashfs.tar.TarConstants.GNU_SPARSE_NUMBER_LENGTH;
import static io.oci2squashfs.tar.TarConstants.GNU_SPARSE_OFFSET;
import static io.oci2squashfs.tar.TarFields.fail;
import static io.oci2squashfs.tar.TarFields.parseDecimal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sparse file maps: old GNU (type {@code S}, in the header and extension blocks) and PAX 0.0, 0.1
 * and 1.0. A map is data fragments as offset,length pairs in a {@code long[]}.
 */
final class SparseMaps {
  /** What {@link #paxFormat} answers for an entry that is not a PAX sparse file. */
  static final int NOT_SPARSE = -1;

  /** GNU sparse 0.0 or 0.1: the map is in PAX records. */
  static final int PAX_0 = 0;

  /** GNU sparse 1.0: the map is at the start of the data. */
  static final int PAX_1 = 1;

  private SparseMaps() {}

  /**
   * Reads an old GNU sparse map from the header block {@code hdr} and the extension blocks that
   * follow it in {@code input}.
   */
  static long[] readOldGnu(byte[] hdr, BlockInput input, long number, String name)
      throws IOException {
    List<Long> map = new ArrayList<>();
    byte[] block = hdr;
    int base = GNU_SPARSE_OFFSET;
    int count = GNU_SPARSE_ENTRIES;
    int extendedAt = GNU_IS_EXTENDED_OFFSET;
    while (true) {
      for (int i = 0; i < count; i++) {
        int off = base + i * GNU_SPARSE_ENTRY_LENGTH;
        // Same end test as GNU and BSD tar: an offset field starting with NUL.
        if (block[off] == 0) {
          break;
        }
        map.add(
            TarFields.parseNumeric(block, off, GNU_SPARSE_NUMBER_LENGTH, "sparse offset", number));
        map.add(
            TarFields.parseNumeric(
                block,
                off + GNU_SPARSE_NUMBER_LENGTH,
                GNU_SPARSE_NUMBER_LENGTH,
                "sparse length",
                number));
      }
      if (block[extendedAt] == 0) {
        break;
      }
      // Extension blocks sit between the header and the data; they are not part of the size.
      if (block == hdr) {
        block = new byte[BLOCK_SIZE];
      }
      if (!input.readBlock(block, number)) {
        throw fail(number, name, "truncated in a sparse extension header");
      }
      base = 0;
      count = GNU_EXTENSION_ENTRIES;
      extendedAt = GNU_EXTENSION_IS_EXTENDED_OFFSET;
    }
    return toArray(map);
  }

  /** Which PAX sparse format the records say: {@link #PAX_0}, {@link #PAX_1} or not sparse. */
  static int paxFormat(Map<String, byte[]> pax) {
    String major = PaxRecords.string(pax, "GNU.sparse.major");
    String minor = PaxRecords.string(pax, "GNU.sparse.minor");
    if (major.equals("0") && (minor.equals("0") || minor.equals("1"))) {
      return PAX_0;
    } else if (major.equals("1") && minor.equals("0")) {
      return PAX_1;
    } else if (!major.isEmpty() || !minor.isEmpty()) {
      return NOT_SPARSE; // unknown version: like Go, read the entry as a plain file
    } else if (!PaxRecords.string(pax, SPARSE_MAP).isEmpty()) {
      return PAX_0; // 0.0 and 0.1 had no version records
    }
    return NOT_SPARSE;
  }

  /** A PAX sparse file's real size; {@code dataSize} when the records do not say. */
  static long paxRealSize(Map<String, byte[]> pax, long dataSize, long number, String name)
      throws TarFormatException {
    String sizeText = PaxRecords.string(pax, "GNU.sparse.size");
    if (sizeText.isEmpty()) {
      sizeText = PaxRecords.string(pax, "GNU.sparse.realsize");
    }
    long realSize = dataSize;
    if (!sizeText.isEmpty()) {
      realSize = parseDecimal(sizeText, "GNU.sparse size", number, name);
    }
    return realSize;
  }

  /**
   * Reads a PAX sparse map: for {@link #PAX_0} from the records, for {@link #PAX_1} from the start
   * of the current data section in {@code input}.
   */
  static long[] readPax(
      Map<String, byte[]> pax, int format, BlockInput input, long number, String name)
      throws IOException {
    List<Long> map = new ArrayList<>();
    if (format == PAX_1) {
      read1x0(map, input, number, name);
    } else {
      long n =
          parseDecimal(
              PaxRecords.string(pax, "GNU.sparse.numblocks"), "GNU.sparse.numblocks", number, name);
      String mapText = PaxRecords.string(pax, SPARSE_MAP);
      String[] parts = mapText.isEmpty() ? new String[0] : mapText.split(",", -1);
      if (parts.length != 2 * n) {
        throw fail(number, name, "sparse map has " + parts.length + " numbers, expected 2 x " + n);
      }
      for (String p : parts) {
        map.add(parseDecimal(p, "sparse map number", number, name));
      }
    }
    return toArray(map);
  }

  /**
   * Format 1.0 keeps the map at the start of the data: decimal numbers ending in newlines, count
   * first, padded to a whole block.
   */
  private static void read1x0(List<Long> map, BlockInput input, long number, String name)
      throws IOException {
    byte[] block = new byte[BLOCK_SIZE];
    StringBuilder token = new StringBuilder();
    long wanted = -1;
    while (wanted < 0 || map.size() < 2 * wanted) {
      if (input.dataRemaining() < BLOCK_SIZE) {
        throw fail(number, name, "sparse map runs past the entry's data");
      }
      if (!input.readDataFully(block, BLOCK_SIZE)) {
        throw fail(number, name, "truncated: the stream ends inside the entry's data");
      }
      for (int i = 0; i < BLOCK_SIZE && (wanted < 0 || map.size() < 2 * wanted); i++) {
        byte c = block[i];
        if (c != '\n') {
          if (token.length() > 20) {
            throw fail(number, name, "bad number in the sparse map");
          }
          token.append((char) (c & 0xff));
          continue;
        }
        long v = parseDecimal(token.toString(), "sparse map number", number, name);
        token.setLength(0);
        if (wanted < 0) {
          // Each pair takes at least 4 bytes of data: a count beyond that is junk, not a reason
          // to allocate.
          if (v > input.dataRemaining() / 4 + 2) {
            throw fail(number, name, "sparse map claims " + v + " entries");
          }
          wanted = v;
        } else {
          map.add(v);
        }
      }
    }
  }

  /**
   * Checks that the fragments are in order, within {@code realSize}, and add up to the {@code
   * dataSize} bytes the entry's data section holds.
   */
  static void validate(long[] sparse, long realSize, long dataSize, long number, String name)
      throws TarFormatException {
    long previousEnd = 0;
    long data = 0;
    for (int i = 0; i < sparse.length; i += 2) {
      long off = sparse[i];
      long len = sparse[i + 1];
      if (off < 0
          || len < 0
          || off > Long.MAX_VALUE - len
          || off + len > realSize
          || off < previousEnd) {
        throw fail(
            number,
            name,
            "invalid sparse map entry offset "
                + off
                + " length "
                + len
                + " (real size "
                + realSize
                + ")");
      }
      previousEnd = off + len;
      data += len;
    }
    if (data != dataSize) {
      throw fail(
          number,
          name,
          "sparse map describes " + data + " bytes of data but the entry holds " + dataSize);
    }
  }

  private static long[] toArray(List<Long> values) {
    long[] a = new long[values.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = values.get(i);
    }
    return a;
  }
}
