package io.oci2squashfs.layer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A layer that cannot be read, with the context that locates it: the layer's index and count, its
 * digest and the tar entry, when known. The message reads {@code layer 3/7 sha256:ab12cd34ef56:
 * entry usr/bin/x: <detail>}, where {@code 3} is the 0-based index from the base layer and {@code
 * 7} the number of layers; the digest is shortened to 12 hex digits there and kept whole in {@link
 * #digest()}.
 *
 * <p>Context is added once per boundary: code that only knows the detail throws {@code new
 * LayerException(detail)}; the code that knows which layer it was reading adds that with {@link
 * #withLayer} or {@link #wrap}, and the tar reader adds the entry with {@link #withEntry}.
 */
public final class LayerException extends IOException {
  private static final long serialVersionUID = 1L;
  private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+:[0-9a-f]{13,}");

  private final int layerIndex;
  private final int layerCount;
  private final String digest;
  private final String entryName;
  private final String detail;

  /** A failure whose layer is not known here; the caller adds it with {@link #withLayer}. */
  public LayerException(String detail) {
    this(-1, -1, null, null, detail, null);
  }

  public LayerException(String detail, Throwable cause) {
    this(-1, -1, null, null, detail, cause);
  }

  /** The blob has another size than its descriptor says. */
  public static LayerException sizeMismatch(long actual, long declared) {
    return new LayerException(
        "the blob is "
            + actual
            + " bytes but the manifest says "
            + declared
            + "; it is truncated, padded or not this layer");
  }

  /** The blob's bytes hash to {@code actual}, not to its digest. */
  public static LayerException digestMismatch(Object actual) {
    return new LayerException(
        "the blob's content does not match its digest: it hashes to "
            + actual
            + "; it is corrupt or not this layer");
  }

  /**
   * The uncompressed tar hashes to {@code actual}, not to the config's diff_id {@code declared}.
   */
  public static LayerException diffIdMismatch(Object actual, Object declared) {
    return new LayerException(
        "the uncompressed layer hashes to "
            + actual
            + ", but the image config's"
            + " diff_id for it is "
            + declared
            + "; the blob is corrupt or not this layer");
  }

  /**
   * A failure with all its context.
   *
   * @param layerIndex 0-based from the base layer, or -1 when unknown
   * @param layerCount the number of layers in the image, or -1 when unknown
   * @param digest the layer's digest ({@code sha256:...}), or another name for it such as its diff
   *     id or path when the digest is unknown; null when unknown
   * @param entryName the tar entry being read, as display text; null when none
   * @param detail what went wrong
   * @param cause the underlying exception, or null
   */
  public LayerException(
      int layerIndex,
      int layerCount,
      String digest,
      String entryName,
      String detail,
      Throwable cause) {
    super(format(layerIndex, layerCount, digest, entryName, detail), cause);
    this.layerIndex = layerIndex;
    this.layerCount = layerCount;
    this.digest = digest;
    this.entryName = entryName;
    this.detail = detail;
  }

  /**
   * Adds layer context to {@code e}: a {@link LayerException} that has none gets it (one that has
   * it already is returned as is); any other exception becomes the cause of a new one whose detail
   * is its message.
   */
  public static LayerException wrap(IOException e, int layerIndex, int layerCount, String digest) {
    if (e instanceof LayerException) {
      LayerException le = (LayerException) e;
      boolean hasLayer = le.layerIndex >= 0 || le.digest != null;
      return hasLayer ? le : le.withLayer(layerIndex, layerCount, digest);
    }
    return new LayerException(layerIndex, layerCount, digest, null, describe(e), e);
  }

  /** A copy with the given layer context, keeping entry, detail, cause and stack trace. */
  public LayerException withLayer(int layerIndex, int layerCount, String digest) {
    return copy(new LayerException(layerIndex, layerCount, digest, entryName, detail, getCause()));
  }

  /** A copy naming the tar entry, keeping everything else. */
  public LayerException withEntry(String entryName) {
    return copy(new LayerException(layerIndex, layerCount, digest, entryName, detail, getCause()));
  }

  /** The 0-based index from the base layer, or -1 when unknown. */
  public int layerIndex() {
    return layerIndex;
  }

  /** The number of layers in the image, or -1 when unknown. */
  public int layerCount() {
    return layerCount;
  }

  /** The layer's full digest (or other name, see the constructor), or null. */
  public String digest() {
    return digest;
  }

  /** The tar entry being read, or null. */
  public String entryName() {
    return entryName;
  }

  /** The message without its context. */
  public String detail() {
    return detail;
  }

  private LayerException copy(LayerException to) {
    to.setStackTrace(getStackTrace());
    for (Throwable s : getSuppressed()) {
      to.addSuppressed(s);
    }
    return to;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    // decompressors say what broke, not what it means for the user
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("the blob ends early")) {
      return text; // said already, by ExternalGunzip
    }
    if (e instanceof java.io.EOFException
        || lower.contains("truncated")
        || lower.contains("unexpected end of")) {
      return "the blob ends early, it is truncated or corrupt (" + text + ")";
    }
    if (e instanceof java.util.zip.ZipException) {
      return "the blob's gzip data is corrupt (" + text + ")";
    }
    return text;
  }

  private static String format(
      int layerIndex, int layerCount, String digest, String entryName, String detail) {
    List<String> parts = new ArrayList<>();
    StringBuilder layer = new StringBuilder();
    if (layerIndex >= 0) {
      layer.append("layer ").append(layerIndex);
      if (layerCount >= 0) {
        layer.append('/').append(layerCount);
      }
    }
    if (digest != null) {
      layer.append(layer.length() == 0 ? "layer " : " ").append(shorten(digest));
    }
    if (layer.length() > 0) {
      parts.add(layer.toString());
    }
    if (entryName != null) {
      parts.add("entry " + entryName);
    }
    parts.add(detail == null ? "unknown error" : detail);
    return String.join(": ", parts);
  }

  private static String shorten(String digest) {
    if (!DIGEST.matcher(digest).matches()) {
      return digest;
    }
    int colon = digest.indexOf(':');
    return digest.substring(0, colon + 1 + 12);
  }
}
