package io.oci2squashfs.registry;

import java.io.IOException;

/**
 * A registry refused or failed what was asked: the one-line message names the registry, the
 * repository, what was asked (a manifest, a blob's digest) and the HTTP status, and never a secret.
 */
public final class RegistryException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;

  RegistryException(String message, int status) {
    super(message);
    this.status = status;
  }

  RegistryException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
  }

  /** The HTTP status the registry answered with, or -1 when no answer came. */
  public int status() {
    return status;
  }
}
