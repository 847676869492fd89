package io.oci2squashfs.tar;

import static io.oci2squashfs.tar.TarFields.fail;
import static io.oci2squashfs.tar.TarFields.indexOf;
import static io.oci2squashfs.tar.TarFields.latin1;
import static io.oci2squashfs.tar.TarFields.parseDecimal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** PAX extended header records: parsing, global defaults, and libarchive's encoded xattrs. */
final class PaxRecords {
  /** Prefix of the key of an xattr whose value is the raw bytes. */
  static final String SCHILY_XATTR = "SCHILY.xattr.";

  /** Prefix of the key of an xattr with a %-escaped name and a base64 value. */
  static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";

  /** GNU sparse 0.1's map; GNU sparse 0.0's offset/numbytes records are joined into it. */
  static final String SPARSE_MAP = "GNU.sparse.map";

  private PaxRecords() {}

  /**
   * Parses {@code "%d %s=%s\n"} records. Values stay bytes: xattrs may hold anything, including
   * {@code =} and newlines. GNU sparse 0.0's repeated offset/numbytes keys are joined into one
   * {@code GNU.sparse.map}, as Go does.
   */
  static Map<String, byte[]> parse(byte[] data, long number) throws TarFormatException {
    Map<String, byte[]> records = new LinkedHashMap<>();
    StringBuilder sparseMap = null;
    int sparseCount = 0;
    int p = 0;
    while (p < data.length) {
      int sp = p;
      long n = 0;
      while (sp < data.length && data[sp] != ' ') {
        int d = data[sp] - '0';
        if (d < 0 || d > 9 || n > data.length) {
          throw fail(number, null, "malformed PAX record: bad length at byte " + p);
        }
        n = n * 10 + d;
        sp++;
      }
      if (sp == p || sp == data.length) {
        throw fail(number, null, "malformed PAX record: bad length at byte " + p);
      }
      if (n > data.length - p) {
        throw fail(
            number,
            null,
            "malformed PAX record: length "
                + n
                + " runs past the header's "
                + data.length
                + " bytes");
      }
      int end = p + (int) n;
      if (end <= sp + 1 || data[end - 1] != '\n') {
        throw fail(number, null, "malformed PAX record at byte " + p + ": no newline at its end");
      }
      int eq = keyEnd(data, p, sp, end, number);
      String key = latin1(data, sp + 1, eq - sp - 1);
      byte[] value = Arrays.copyOfRange(data, eq + 1, end - 1);
      if (key.indexOf('\0') >= 0
          || ((key.equals("path") || key.equals("linkpath")) && indexOf(value, (byte) 0) >= 0)) {
        throw fail(number, null, "malformed PAX record '" + key + "': holds a NUL byte");
      }
      if (key.equals("GNU.sparse.offset") || key.equals("GNU.sparse.numbytes")) {
        sparseMap = appendSparse00(sparseMap, sparseCount, key, value, number);
        sparseCount++;
      } else {
        records.put(key, value);
      }
      p = end;
    }
    if (sparseMap != null) {
      records.put(SPARSE_MAP, sparseMap.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
    return records;
  }

  /** The index of the {@code =} that ends the key of the record at {@code p}. */
  private static int keyEnd(byte[] data, int p, int sp, int end, long number)
      throws TarFormatException {
    int eq = -1;
    for (int i = sp + 1; i < end - 1; i++) {
      if (data[i] == '=') {
        eq = i;
        break;
      }
    }
    if (eq <= sp + 1) {
      throw fail(number, null, "malformed PAX record at byte " + p + ": no key");
    }
    return eq;
  }

  /** Appends one GNU sparse 0.0 number; offsets and lengths must alternate, offset first. */
  private static StringBuilder appendSparse00(
      StringBuilder sparseMap, int sparseCount, String key, byte[] value, long number)
      throws TarFormatException {
    boolean wantOffset = sparseCount % 2 == 0;
    if (wantOffset != key.equals("GNU.sparse.offset") || indexOf(value, (byte) ',') >= 0) {
      throw fail(number, null, "GNU sparse 0.0 offset/numbytes records out of order");
    }
    if (sparseMap == null) {
      sparseMap = new StringBuilder();
    } else {
      sparseMap.append(',');
    }
    sparseMap.append(latin1(value));
    return sparseMap;
  }

  /** Applies a global ({@code g}) header's records to the defaults; an empty value deletes. */
  static void mergeGlobal(Map<String, byte[]> global, Map<String, byte[]> records) {
    for (Map.Entry<String, byte[]> e : records.entrySet()) {
      if (e.getValue().length == 0) {
        global.remove(e.getKey());
      } else {
        global.put(e.getKey(), e.getValue());
      }
    }
  }

  /**
   * The records that apply to an entry: the global defaults overridden by its own {@code pax}
   * (which may be null), where an empty value deletes; {@code pax} itself when there are no
   * defaults.
   */
  static Map<String, byte[]> withGlobal(Map<String, byte[]> global, Map<String, byte[]> pax) {
    if (global.isEmpty()) {
      return pax;
    }
    Map<String, byte[]> merged = new HashMap<>(global);
    if (pax != null) {
      for (Map.Entry<String, byte[]> e : pax.entrySet()) {
        if (e.getValue().length == 0) {
          merged.remove(e.getKey());
        } else {
          merged.put(e.getKey(), e.getValue());
        }
      }
    }
    return merged;
  }

  /**
   * Adds the {@code LIBARCHIVE.xattr.} records to {@code xattrs} (created if null and needed) and
   * returns it. libarchive writes both forms for one attribute; the SCHILY one is raw and wins.
   */
  static Map<String, byte[]> addLibarchiveXattrs(
      Map<String, byte[]> pax, Map<String, byte[]> xattrs, long number, String name)
      throws TarFormatException {
    for (Map.Entry<String, byte[]> e : pax.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(LIBARCHIVE_XATTR)
          && key.length() > LIBARCHIVE_XATTR.length()
          && e.getValue().length > 0) {
        String xname = percentDecode(key.substring(LIBARCHIVE_XATTR.length()), number, name);
        if (xattrs == null) {
          xattrs = new TreeMap<>();
        }
        byte[] schily = pax.get(SCHILY_XATTR + xname);
        if (schily == null || schily.length == 0) {
          xattrs.put(xname, base64(e.getValue(), key, number, name));
        }
      }
    }
    return xattrs;
  }

  /** A record's value as text, one char per byte; empty when there is no such record. */
  static String string(Map<String, byte[]> pax, String key) {
    byte[] v = pax.get(key);
    return v == null ? "" : latin1(v);
  }

  /** A record's value as a decimal number. */
  static long longValue(String key, byte[] value, long number, String name)
      throws TarFormatException {
    return parseDecimal(latin1(value), "PAX " + key, number, name);
  }

  private static String percentDecode(String s, long number, String name)
      throws TarFormatException {
    if (s.indexOf('%') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          throw fail(number, name, "bad %-escape in LIBARCHIVE.xattr name '" + s + "'");
        }
        sb.append((char) (hi * 16 + lo));
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static byte[] base64(byte[] value, String key, long number, String name)
      throws TarFormatException {
    // libarchive leaves out the '=' padding; Java's decoder does not need it, but strip any.
    int n = value.length;
    while (n > 0 && (value[n - 1] == '=' || value[n - 1] == '\n' || value[n - 1] == ' ')) {
      n--;
    }
    try {
      return Base64.getDecoder().decode(Arrays.copyOf(value, n));
    } catch (IllegalArgumentException e) {
      throw fail(number, name, "bad base64 value of " + key, e);
    }
  }
}
