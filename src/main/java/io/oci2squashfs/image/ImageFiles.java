package io.oci2squashfs.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The files of an image on disk, a directory ({@link DirectoryFiles}) or a tar archive ({@link
 * ArchiveFiles}), named by {@code /}-separated paths relative to its top, such as {@code
 * index.json} or {@code blobs/sha256/<hex>}.
 *
 * <p>Every name is first checked by {@link #resolve}; the other methods take only what it returns.
 * An {@code ImageFiles} holds no open file: each stream from {@link #open} is the caller's to
 * close, and nothing else needs closing.
 */
interface ImageFiles {
  /** The directory or archive, for messages and {@link Image#source()}. */
  Path location();

  /** True for a tar archive, false for a directory. */
  boolean isArchive();

  /**
   * Checks a relative path (one read from the image's JSON, or one this tool builds) and returns
   * the name to pass to the other methods. The file need not exist.
   *
   * @param where the context a message starts with, e.g. {@code manifest.json: Layers[0]}
   * @throws ImageFormatException for an absolute path, or one that leads outside the directory or
   *     archive, through {@code ..} or through a link
   */
  String resolve(String relative, String where) throws IOException;

  /** True when {@code name} is there, as a file or anything else. */
  boolean exists(String name) throws IOException;

  /** True when {@code name} is a regular file (after links). */
  boolean isFile(String name) throws IOException;

  /** The size of the file {@code name}, which {@link #isFile} found. */
  long size(String name) throws IOException;

  /** Opens the file {@code name}; the caller closes the stream. */
  InputStream open(String name) throws IOException;

  /**
   * Opens the file {@code name} later, for a {@link Layer}: its errors name the archive too, since
   * they surface outside the loader.
   */
  Layer.Opener opener(String name);
}
