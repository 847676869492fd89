package io.oci2squashfs.sink;

import io.oci2squashfs.tar.TarHeader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A tool that builds a filesystem image from one tar on its standard input: mksquashfs ({@link
 * SquashfsBuilder}) or mkfs.erofs ({@link ErofsBuilder}). {@link FilesystemSink} runs it; this says
 * how to start it and what the filesystem can hold.
 */
public interface FilesystemBuilder {
  /**
   * This builder for one image: options that derive from the image (an erofs UUID under a fixed
   * build time) made from {@code seed}, its manifest digest.
   */
  default FilesystemBuilder forImage(String seed) {
    return this;
  }

  /** The tool's name, as messages name it: {@code mksquashfs}, {@code mkfs.erofs}. */
  String toolName();

  /** The filesystem's name, as warnings name it: {@code squashfs}, {@code erofs}. */
  String filesystemName();

  /**
   * The command that reads the tar on standard input and writes the image to {@code image}.
   *
   * @param root the root directory's attributes, for a tool that ignores a root entry in the tar
   */
  List<String> command(Path image, TarHeader root);

  /** Whether the root's attributes go into the tar as its first entry, {@code ./}. */
  boolean rootInStream();

  /** Adjusts the tool's environment (e.g. removes {@code SOURCE_DATE_EPOCH}). */
  void environment(Map<String, String> env);

  /** The oldest mtime the filesystem keeps, in seconds; older ones are clamped. */
  long minTime();

  /** The newest mtime the filesystem keeps, in seconds; newer ones are clamped. */
  long maxTime();

  /** Whether the filesystem keeps sub-second mtimes (else they are dropped from the tar). */
  boolean keepsNanoseconds();

  /**
   * Why this builder would store a device node with these numbers wrongly, or null when it keeps
   * them.
   */
  default String deviceFault(int major, int minor) {
    return null;
  }

  /** What to tell a user who lacks the tool, or has one too old. */
  String installHint();
}
