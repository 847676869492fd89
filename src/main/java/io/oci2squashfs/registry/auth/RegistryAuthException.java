package io.oci2squashfs.registry.auth;

import java.io.IOException;

/**
 * A token service refused the credentials or answered what is no token. The one-line message names
 * the token service's host, the scope and the credentials tried (their source and username, never
 * the secret), e.g. {@code token service auth.docker.io refused repository:library/x:pull (HTTP
 * 401) with credentials from --creds (user bob)}.
 */
public final class RegistryAuthException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public RegistryAuthException(String message, int status) {
    super(message);
    this.status = status;
  }

  /**
   * The token service's HTTP status (401 or 403: the credentials were refused), or -1 when the
   * failure was no status but a reply that could not be understood.
   */
  public int status() {
    return status;
  }
}
