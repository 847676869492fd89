package io.oci2squashfs.registry.auth;

import java.util.Objects;

/**
 * A username and its secret: a password, or a docker "identity token" (an OAuth2 refresh token,
 * marked by the username {@value #IDENTITY_TOKEN_USER} as docker's credential helpers do). Neither
 * part is empty. {@link #toString()} never shows the secret.
 */
public record Credentials(String username, String secret) {
  /** The username that marks {@link #secret()} as an identity token, as in credential helpers. */
  public static final String IDENTITY_TOKEN_USER = "<token>";

  public Credentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(secret, "secret");
    if (username.isEmpty()) {
      throw new IllegalArgumentException("empty username");
    }
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("empty password or token for user " + username);
    }
  }

  /** Credentials that consist of a docker identity token (a refresh token) alone. */
  public static Credentials identityToken(String token) {
    return new Credentials(IDENTITY_TOKEN_USER, token);
  }

  /** Whether {@link #secret()} is an identity token, to be traded for access tokens by OAuth2. */
  public boolean isIdentityToken() {
    return username.equals(IDENTITY_TOKEN_USER);
  }

  /**
   * Parses {@code USER:PASSWORD} as {@code --creds} takes it, split at the first colon (so the
   * password may hold colons).
   *
   * @throws IllegalArgumentException when there is no colon, or the user or the password is empty;
   *     the message never quotes the text
   */
  public static Credentials parseUserColonPassword(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected USER:PASSWORD, found no ':'");
    }
    if (colon == 0) {
      throw new IllegalArgumentException("expected USER:PASSWORD, the user before ':' is empty");
    }
    if (colon == text.length() - 1) {
      throw new IllegalArgumentException("expected USER:PASSWORD, the password after ':' is empty");
    }
    return new Credentials(text.substring(0, colon), text.substring(colon + 1));
  }

  /** Who these credentials are, for messages: {@code user bob} or {@code identity token}. */
  public String describe() {
    return isIdentityToken() ? "identity token" : "user " + username;
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", secret=***]";
  }
}
