package io.oci2squashfs.extract;

import io.oci2squashfs.tar.EntryPath;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Turns raw names (one char per byte) into names the JVM can hand to the operating system: decoded
 * in the charset the JVM encodes file names with, exactly, or not at all.
 */
final class LocalNames {
  private final Charset charset;

  LocalNames(Charset charset) {
    this.charset = charset;
  }

  /** The charset the JVM encodes file names with ({@code sun.jnu.encoding}). */
  static LocalNames ofJvm() {
    String jnu = System.getProperty("sun.jnu.encoding");
    Charset cs;
    try {
      cs = jnu == null ? Charset.defaultCharset() : Charset.forName(jnu);
    } catch (IllegalArgumentException e) {
      cs = Charset.defaultCharset();
    }
    return new LocalNames(cs);
  }

  Charset charset() {
    return charset;
  }

  /** The raw bytes as text that encodes back to exactly them, or null when there is none. */
  String decode(String raw) {
    byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
    CharsetDecoder d =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = d.decode(ByteBuffer.wrap(bytes));
      String text = chars.toString();
      return java.util.Arrays.equals(text.getBytes(charset), bytes) ? text : null;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * {@code base} joined with the path's components, or null when a component has no exact form.
   * Components are never {@code .}, {@code ..} or empty ({@link EntryPath} normalised them away).
   */
  Path resolve(Path base, EntryPath path) {
    if (path.isRoot()) {
      return base;
    }
    String text = decode(path.raw());
    if (text == null) {
      return null;
    }
    try {
      Path p = base.resolve(text);
      // the JVM must not have folded anything: same number of components, same names
      return p.getNameCount() == base.getNameCount() + path.components().size() ? p : null;
    } catch (InvalidPathException e) {
      return null;
    }
  }
}
