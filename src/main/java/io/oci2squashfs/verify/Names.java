package io.oci2squashfs.verify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * File names as the JVM sees them. A walked directory gives names decoded with the JVM's file name
 * charset ({@code sun.jnu.encoding}, UTF-8 under a UTF-8 locale); names that tools print as raw
 * bytes are decoded the same way, so that both sides of a comparison agree byte for byte wherever
 * the decoding is lossless.
 */
final class Names {
  static final Charset FILE_NAMES = fileNameCharset();

  private Names() {}

  private static Charset fileNameCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name == null ? Charset.defaultCharset() : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return Charset.defaultCharset();
    }
  }

  /** Raw name bytes, held one char per byte, decoded as the JVM decodes file names. */
  static String decode(String latin1) {
    return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), FILE_NAMES);
  }

  /**
   * Undoes {@code \ooo} octal escapes; a backslash not followed by three octal digits stays.
   * Latin-1 in, Latin-1 out.
   */
  static String unescapeOctal(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1, 3)) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isOctal(String s, int from, int n) {
    if (from + n > s.length()) {
      return false;
    }
    for (int i = from; i < from + n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return s.charAt(from) <= '3';
  }

  /**
   * Reads a line of bytes up to (not including) {@code \n}, as Latin-1 chars; null at end of
   * stream. A last line without {@code \n} is returned as is.
   */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      b.write(c);
    }
    if (c < 0 && b.size() == 0) {
      return null;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }
}
