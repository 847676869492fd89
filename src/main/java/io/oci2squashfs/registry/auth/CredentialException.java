package io.oci2squashfs.registry.auth;

import java.io.IOException;

/**
 * Credentials could not be read: a malformed auth file, or a credential helper that is missing,
 * failed or hung. The one-line message names the file or helper and the registry, never a secret.
 */
public final class CredentialException extends IOException {
  private static final long serialVersionUID = 1L;

  public CredentialException(String message) {
    super(message);
  }

  public CredentialException(String message, Throwable cause) {
    super(message, cause);
  }
}
