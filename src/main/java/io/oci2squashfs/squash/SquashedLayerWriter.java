package io.oci2squashfs.squash;

import io.oci2squashfs.image.Digester;
import io.oci2squashfs.imagewrite.NewLayer;
import io.oci2squashfs.overlay.MergeOutput;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.PaxTarWriter;
import io.oci2squashfs.tar.TarConstants;
import io.oci2squashfs.tar.TarHeader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Receives a layer-mode merge and writes it as one layer blob. The layer's tar holds, in order: the
 * root entry (when the merged layers had one), every directory with its whiteouts and opaque marker
 * right after its own entry and before its subdirectories (parents first), then every other entry
 * in merge order (a hard link after its target). So an extractor that applies markers in tar order,
 * without remembering what this layer wrote, still removes only lower content. Directories and
 * markers are held in memory (headers only); other entries go to a temporary tar at once, and their
 * content is never held whole.
 */
final class SquashedLayerWriter implements MergeOutput, AutoCloseable {
  /** Directories and markers, in the order they are written. */
  private final Map<List<String>, TarHeader> dirsAndMarkers =
      new TreeMap<>(SquashedLayerWriter::compareKeys);

  private long markers;
  private final Path restFile;
  private final OutputStream restStream;
  private final PaxTarWriter rest;
  private long entries;

  /** Keeps its temporary tar in {@code workDir}; {@link #close} deletes it. */
  SquashedLayerWriter(Path workDir) throws IOException {
    restFile = Files.createTempFile(workDir, "entries-", ".tar");
    restStream = new BufferedOutputStream(Files.newOutputStream(restFile), 256 * 1024);
    rest = new PaxTarWriter(restStream);
  }

  @Override
  public void write(TarHeader header, InputStream content) throws IOException {
    entries++;
    if (header.type() == EntryType.DIRECTORY) {
      dirsAndMarkers.put(key(header.path(), false), header);
    } else if (header.path().name().startsWith(".wh.")) {
      dirsAndMarkers.put(
          key(header.path(), true), header); // the merge hands on no other .wh. names
      markers++;
    } else {
      rest.write(header, content);
    }
  }

  long entries() {
    return entries;
  }

  long markers() {
    return markers;
  }

  /** The path's components; a marker's name sorts before every other name in its directory. */
  private static List<String> key(EntryPath path, boolean marker) {
    List<String> parts = new ArrayList<>(path.components());
    if (marker) {
      parts.set(parts.size() - 1, "\0" + parts.get(parts.size() - 1));
    }
    return parts;
  }

  /** Component by component, a parent before its children: the order of a walk from the root. */
  private static int compareKeys(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  /**
   * Writes the layer into {@code blob}, compressed, and returns it with its digests.
   *
   * @param root the root entry to write first, or null for none
   */
  NewLayer finish(TarHeader root, LayerCompression compression, Path blob) throws IOException {
    rest.flush();
    restStream.close();
    Digester blobHash = Digester.sha256();
    Digester tarHash = Digester.sha256();
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(blob), 256 * 1024)) {
      OutputStream compressed = compression.compress(blobHash.writing(file));
      OutputStream tar = tarHash.writing(compressed);
      PaxTarWriter head = new PaxTarWriter(tar);
      if (root != null) {
        head.writeRoot(root);
      }
      for (TarHeader h : dirsAndMarkers.values()) {
        head.write(h, h.type() == EntryType.FILE ? InputStream.nullInputStream() : null);
      }
      head.flush();
      // the other entries, without the temporary tar's end blocks (it was never finished)
      try (InputStream in = Files.newInputStream(restFile)) {
        in.transferTo(tar);
      }
      tar.write(new byte[2 * TarConstants.BLOCK_SIZE]); // the two zero blocks that end a tar
      tar.close(); // finishes the compressed stream and closes the file
    }
    String mediaType = compression.mediaType;
    return new NewLayer(blob, blobHash.digest(), blobHash.count(), tarHash.digest(), mediaType);
  }

  @Override
  public void close() throws IOException {
    restStream.close();
    Files.deleteIfExists(restFile);
  }
}
