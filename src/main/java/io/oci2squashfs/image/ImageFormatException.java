package io.oci2squashfs.image;

import java.io.IOException;

/**
 * An image directory that cannot be understood: missing or malformed files, unknown media types, no
 * manifest for the platform. The message starts with the file at fault, e.g. {@code index.json:
 * manifest sha256:...: blob missing (blobs/sha256/...)}.
 */
public final class ImageFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public ImageFormatException(String message) {
    super(message);
  }

  public ImageFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
