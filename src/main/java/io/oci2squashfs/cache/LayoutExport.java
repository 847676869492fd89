package io.oci2squashfs.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes one image from the cache as an OCI image layout of its own, in a directory or a tar
 * archive (an oci-archive): its blobs copied byte for byte, and an {@code index.json} naming its
 * top manifest or index, so its digest stays what the registry served.
 */
public final class LayoutExport {
  private LayoutExport() {}

  /** The image's top manifest or index as {@code index.json} names it. */
  public record Top(String mediaType, Digest digest, long size, String refName) {}

  /**
   * Writes the layout into {@code dir}, which exists and is empty.
   *
   * @param blobs every blob the image needs, all in the cache
   */
  public static void toDirectory(BlobCache cache, Top top, Collection<Digest> blobs, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve("oci-layout"), layoutFile());
    for (Digest d : blobs) {
      Path target = dir.resolve(d.blobPath());
      Files.createDirectories(target.getParent());
      Files.copy(cache.blobPath(d), target, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.write(dir.resolve("index.json"), indexFile(top));
  }

  /** Writes the layout as a tar archive to {@code out}. */
  public static void toArchive(BlobCache cache, Top top, Collection<Digest> blobs, OutputStream out)
      throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    writeEntry(tar, "oci-layout", layoutFile());
    directory(tar, "blobs/");
    java.util.Set<String> dirs = new java.util.HashSet<>();
    for (Digest d : blobs) {
      String alg = "blobs/" + d.algorithm() + "/";
      if (dirs.add(alg)) {
        directory(tar, alg);
      }
      Path file = cache.blobPath(d);
      TarArchiveEntry e = new TarArchiveEntry(d.blobPath());
      e.setSize(Files.size(file));
      e.setMode(0644);
      tar.putArchiveEntry(e);
      Files.copy(file, tar);
      tar.closeArchiveEntry();
    }
    writeEntry(tar, "index.json", indexFile(top));
    tar.finish();
    tar.flush();
  }

  private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(040755);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  private static void writeEntry(TarArchiveOutputStream tar, String name, byte[] bytes)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(bytes.length);
    e.setMode(0644);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  private static byte[] layoutFile() {
    return "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static byte[] indexFile(Top top) throws IOException {
    ObjectNode index = Json.MAPPER.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", "application/vnd.oci.image.index.v1+json");
    ObjectNode entry = index.putArray("manifests").addObject();
    entry.put("mediaType", top.mediaType());
    entry.put("digest", top.digest().toString());
    entry.put("size", top.size());
    if (top.refName() != null) {
      entry.putObject("annotations").put(BlobCache.REF_NAME, top.refName());
    }
    return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(index);
  }
}
