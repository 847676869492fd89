package io.oci2squashfs.tar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A normalised path inside an image: {@code ./a/b}, {@code /a/b}, {@code a//b}, {@code a/./b} and
 * {@code a/b/} are all {@code a/b}; {@code .}, {@code ./} and {@code /} are the root, whose form is
 * the empty string. Characters stand for raw bytes (ISO-8859-1), so names that are not valid UTF-8
 * round-trip; use {@link #display()} for messages.
 */
public final class EntryPath implements Comparable<EntryPath> {
  public static final EntryPath ROOT = new EntryPath("");

  /**
   * Linux's PATH_MAX: no longer path can be opened, and mksquashfs slows to a crawl on deep ones.
   */
  public static final int MAX_PATH_BYTES = 4096;

  /** Linux's NAME_MAX, which squashfs shares. */
  public static final int MAX_NAME_BYTES = 255;

  private final String value;

  private EntryPath(String value) {
    this.value = value;
  }

  /**
   * Normalises a raw name (one char per byte).
   *
   * @throws InvalidEntryPathException if a component is {@code ..}, the name holds a NUL, or it is
   *     longer than {@link #MAX_PATH_BYTES} or has a component longer than {@link #MAX_NAME_BYTES}
   */
  public static EntryPath of(String raw) {
    if (raw.indexOf('\0') >= 0) {
      throw new InvalidEntryPathException("name holds a NUL byte: " + shortDisplayOf(raw));
    }
    if (isAlreadyNormal(raw)) {
      return raw.isEmpty() ? ROOT : new EntryPath(checkLength(raw, raw));
    }
    StringBuilder sb = new StringBuilder(raw.length());
    int i = 0;
    int n = raw.length();
    while (i < n) {
      int j = raw.indexOf('/', i);
      if (j < 0) {
        j = n;
      }
      int len = j - i;
      if (len == 0 || (len == 1 && raw.charAt(i) == '.')) {
        // empty or "." component: nothing
      } else if (len == 2 && raw.charAt(i) == '.' && raw.charAt(i + 1) == '.') {
        throw new InvalidEntryPathException("name has a '..' component: " + shortDisplayOf(raw));
      } else {
        if (sb.length() > 0) {
          sb.append('/');
        }
        sb.append(raw, i, j);
      }
      i = j + 1;
    }
    return sb.length() == 0 ? ROOT : new EntryPath(checkLength(sb.toString(), raw));
  }

  private static String checkLength(String normal, String raw) {
    if (normal.length() > MAX_PATH_BYTES) {
      throw new InvalidEntryPathException(
          "name is "
              + normal.length()
              + " bytes long, more than "
              + MAX_PATH_BYTES
              + " (PATH_MAX): "
              + shortDisplayOf(raw));
    }
    if (normal.length() > MAX_NAME_BYTES) {
      int start = 0;
      for (int i = 0; i <= normal.length(); i++) {
        if (i == normal.length() || normal.charAt(i) == '/') {
          if (i - start > MAX_NAME_BYTES) {
            throw new InvalidEntryPathException(
                "a component of the name is "
                    + (i - start)
                    + " bytes long, more than "
                    + MAX_NAME_BYTES
                    + " (NAME_MAX): "
                    + shortDisplayOf(raw));
          }
          start = i + 1;
        }
      }
    }
    return normal;
  }

  /** Normalises a raw name given as bytes. */
  public static EntryPath ofBytes(byte[] raw) {
    return of(new String(raw, StandardCharsets.ISO_8859_1));
  }

  /** Normalises a name given as ordinary (UTF-8) text, for tests and user input. */
  public static EntryPath ofUtf8(String text) {
    return ofBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  // Fast path: no leading or trailing slash, no empty, "." or ".." component.
  private static boolean isAlreadyNormal(String raw) {
    int n = raw.length();
    if (n == 0) {
      return true;
    }
    if (raw.charAt(0) == '/' || raw.charAt(n - 1) == '/') {
      return false;
    }
    int start = 0;
    for (int i = 0; i <= n; i++) {
      if (i == n || raw.charAt(i) == '/') {
        int len = i - start;
        if (len == 0) {
          return false;
        }
        if (raw.charAt(start) == '.' && (len == 1 || (len == 2 && raw.charAt(start + 1) == '.'))) {
          return false;
        }
        start = i + 1;
      }
    }
    return true;
  }

  public boolean isRoot() {
    return value.isEmpty();
  }

  /** The raw form, one char per byte, without leading or trailing slash; empty for the root. */
  public String raw() {
    return value;
  }

  public byte[] toBytes() {
    return value.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The last component; empty for the root. */
  public String name() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  /** The parent directory, or {@code null} for the root. */
  public EntryPath parent() {
    if (isRoot()) {
      return null;
    }
    int slash = value.lastIndexOf('/');
    return slash < 0 ? ROOT : new EntryPath(value.substring(0, slash));
  }

  /** Appends one component, which must be a plain name (no slash, not {@code .} or {@code ..}). */
  public EntryPath child(String component) {
    if (component.isEmpty()
        || component.indexOf('/') >= 0
        || component.equals(".")
        || component.equals("..")) {
      throw new InvalidEntryPathException("not a plain name: " + displayOf(component));
    }
    return new EntryPath(isRoot() ? component : value + "/" + component);
  }

  public List<String> components() {
    List<String> parts = new ArrayList<>();
    if (isRoot()) {
      return parts;
    }
    int start = 0;
    for (int i = 0; i <= value.length(); i++) {
      if (i == value.length() || value.charAt(i) == '/') {
        parts.add(value.substring(start, i));
        start = i + 1;
      }
    }
    return parts;
  }

  /** True when this path is {@code other} or lies below it. */
  public boolean startsWith(EntryPath other) {
    if (other.isRoot()) {
      return true;
    }
    return value.equals(other.value)
        || (value.startsWith(other.value) && value.charAt(other.value.length()) == '/');
  }

  /** The path as readable text: bytes decoded as UTF-8, "/" for the root. */
  public String display() {
    return isRoot() ? "/" : displayOf(value);
  }

  static String displayOf(String raw) {
    return new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  /**
   * {@link #displayOf} for a message that must stay one readable line: control characters (a
   * newline, a NUL) as {@code \xNN}, and the middle of a very long name left out.
   */
  static String shortDisplayOf(String raw) {
    if (raw.length() > 200) {
      return shortDisplayOf(raw.substring(0, 100))
          + "..."
          + shortDisplayOf(raw.substring(raw.length() - 60))
          + " ("
          + raw.length()
          + " bytes)";
    }
    String text = displayOf(raw);
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        if (sb == null) {
          sb = new StringBuilder(text.substring(0, i));
        }
        sb.append(String.format("\\x%02x", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? text : sb.toString();
  }

  /**
   * The path for a message: {@link #display()} kept to one readable line (see {@link
   * #shortDisplayOf}).
   */
  public String shortDisplay() {
    return isRoot() ? "/" : shortDisplayOf(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EntryPath && ((EntryPath) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public int compareTo(EntryPath o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return display();
  }
}
