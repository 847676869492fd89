package io.oci2squashfs.layer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/** Opens a layer blob as its uncompressed tar stream. */
public final class LayerOpener {
  /** Buffer size between the blob and its decompressor: layers are read in big sequential gulps. */
  public static final int BUFFER_SIZE = 256 * 1024;

  private LayerOpener() {}

  /**
   * Wraps a raw layer blob in the decompressor it needs. The media type says which; the first bytes
   * are checked too, and when they disagree the bytes win and {@code warnings} hears e.g. {@code
   * media type says gzip but the bytes are zstd; reading as zstd}. With no media type the bytes
   * alone decide, and bytes that match no compression are read as a plain tar.
   *
   * <p>The caller owns the returned stream; closing it closes {@code raw}. If this method throws,
   * it has closed {@code raw}.
   *
   * <p>The exceptions carry no layer context; the caller adds it with {@link LayerException#wrap}.
   *
   * @param raw the blob as stored, read from its start
   * @param mediaType the descriptor's media type, or null when the image names none
   * @param warnings told about anything odd but readable
   * @return the uncompressed tar, straight from the decompressor: read it in big gulps (or wrap it
   *     in a buffer). A second buffer here would lose the bytes it had gathered in a read that
   *     fails part way (a truncated blob), so the failure would seem to come earlier than it does.
   * @throws LayerException for an unsupported media type, or when the media type names a
   *     compression and the bytes are neither that nor anything else recognisable
   * @throws IOException when reading the start of the blob or the compression header fails
   */
  public static InputStream open(InputStream raw, String mediaType, Consumer<String> warnings)
      throws IOException {
    return open(raw, mediaType, -1, warnings);
  }

  /**
   * As {@link #open(InputStream, String, Consumer)}, for a blob of {@code size} bytes (-1 when
   * unknown): a gzip blob of at least {@link ExternalGunzip#MIN_BLOB_SIZE} is decompressed by igzip
   * when there is one ({@link ExternalGunzip}).
   */
  public static InputStream open(
      InputStream raw, String mediaType, long size, Consumer<String> warnings) throws IOException {
    try {
      return openOrThrow(raw, mediaType, size, warnings);
    } catch (IOException | RuntimeException e) {
      try {
        raw.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static InputStream openOrThrow(
      InputStream raw, String mediaType, long size, Consumer<String> warnings) throws IOException {
    Optional<Compression> declared = MediaTypes.compressionOf(mediaType);
    BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER_SIZE);
    byte[] head = new byte[Compression.SNIFF_LENGTH];
    int len = peek(buffered, head);
    Compression sniffed = Compression.sniff(head, len);
    Compression chosen = choose(declared, sniffed, head, len, warnings);
    if (chosen == Compression.NONE) {
      return buffered;
    }
    // A whole gzip header (10 bytes) is here, so only the data can still be bad: errors come at
    // the end of the stream, after what could be decompressed, as with the JDK's decompressor.
    Path igzip =
        chosen == Compression.GZIP && size >= ExternalGunzip.MIN_BLOB_SIZE && len >= 10
            ? ExternalGunzip.command()
            : null;
    if (igzip != null) {
      return ExternalGunzip.start(igzip, buffered);
    }
    try {
      return chosen.decompress(buffered);
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      boolean early =
          e instanceof java.io.EOFException
              || m.toLowerCase(java.util.Locale.ROOT).contains("end of");
      throw new LayerException(
          "cannot start "
              + chosen.displayName()
              + " decompression: "
              + (early ? "the blob ends early, it is truncated or corrupt (" + m + ")" : m),
          e);
    }
  }

  private static Compression choose(
      Optional<Compression> declared,
      Compression sniffed,
      byte[] head,
      int len,
      Consumer<String> warnings)
      throws LayerException {
    if (declared.isEmpty() || declared.get() == sniffed) {
      return sniffed;
    }
    Compression said = declared.get();
    if (sniffed != Compression.NONE) {
      warnings.accept(mismatch(said, sniffed.displayName()));
      return sniffed;
    }
    if (Compression.looksLikeTar(head, len)) {
      warnings.accept(mismatch(said, "an uncompressed tar"));
      return Compression.NONE;
    }
    // The media type names a compression; the bytes are none known and not a ustar tar.
    throw new LayerException(
        "media type says "
            + said.displayName()
            + " but the bytes are not "
            + said.displayName()
            + " nor anything else known (they start "
            + hex(head, Math.min(len, 8))
            + ")");
  }

  private static String mismatch(Compression said, String bytesAre) {
    return "media type says "
        + said.displayName()
        + " but the bytes are "
        + bytesAre
        + "; reading as "
        + bytesAre;
  }

  // Reads up to head.length bytes and rewinds; returns how many there were.
  private static int peek(BufferedInputStream in, byte[] head) throws IOException {
    in.mark(head.length);
    int len = 0;
    while (len < head.length) {
      int n = in.read(head, len, head.length - len);
      if (n < 0) {
        break;
      }
      len += n;
    }
    in.reset();
    return len;
  }

  private static String hex(byte[] bytes, int len) {
    if (len == 0) {
      return "<empty>";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02x", bytes[i] & 0xff));
    }
    return sb.toString();
  }
}
