package io.oci2squashfs.registry.auth;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.image.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * One auth file, podman's {@code auth.json} or docker's {@code config.json}, and the lookup within
 * it: {@code credHelpers[registry]}, else the most specific {@code auths} entry, else {@code
 * credsStore}.
 */
final class AuthFile {
  private final Path path;
  private final JsonNode root;

  private AuthFile(Path path, JsonNode root) {
    this.path = path;
    this.root = root;
  }

  /**
   * Reads {@code path}; empty when it does not exist. An empty file holds no credentials (docker
   * reads it so).
   *
   * @throws CredentialException when it cannot be read or is not a JSON object; the message gives
   *     the position of a syntax error but never the text there (it could be a secret)
   */
  static Optional<AuthFile> read(Path path) throws CredentialException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CredentialException("auth file " + path + ": cannot read it: " + reason(e), e);
    }
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return Optional.of(new AuthFile(path, Json.MAPPER.createObjectNode()));
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new CredentialException(
          "auth file "
              + path
              + ": not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw new CredentialException("auth file " + path + ": cannot read it: " + reason(e), e);
    }
    if (root == null || !root.isObject()) {
      throw new CredentialException("auth file " + path + ": not a JSON object");
    }
    for (String field : new String[] {"auths", "credHelpers"}) {
      JsonNode n = root.get(field);
      if (n != null && !n.isNull() && !n.isObject()) {
        throw new CredentialException("auth file " + path + ": \"" + field + "\" is not an object");
      }
    }
    JsonNode store = root.get("credsStore");
    if (store != null && !store.isNull() && !store.isTextual()) {
      throw new CredentialException("auth file " + path + ": \"credsStore\" is not a string");
    }
    return Optional.of(new AuthFile(path, root));
  }

  /**
   * The credentials this file gives for {@code repository} on {@code registry} (normalized), or
   * empty: a helper that has none, or no entry, lets the search go on to the next file.
   */
  Optional<CredentialStore.Found> lookup(
      String registry, String repository, Map<String, String> env, Duration helperTimeout)
      throws CredentialException {
    String helper = credHelper(registry);
    if (helper != null) {
      return ask(
          new CredentialHelper(helper, "credHelpers in " + path, env, helperTimeout), registry);
    }
    Optional<Credentials> entry = authsEntry(registry, repository);
    if (entry.isPresent()) {
      return Optional.of(new CredentialStore.Found(entry.get(), "auth file " + path));
    }
    JsonNode store = root.path("credsStore");
    if (store.isTextual() && !store.asText().isEmpty()) {
      return ask(
          new CredentialHelper(store.asText(), "credsStore in " + path, env, helperTimeout),
          registry);
    }
    return Optional.empty();
  }

  private static Optional<CredentialStore.Found> ask(CredentialHelper helper, String registry)
      throws CredentialException {
    return helper.get(registry).map(c -> new CredentialStore.Found(c, helper.describe()));
  }

  /** The helper {@code credHelpers} names for the registry: an exact key, else a URL-like one. */
  private String credHelper(String registry) throws CredentialException {
    JsonNode helpers = root.path("credHelpers");
    if (!helpers.isObject()) {
      return null;
    }
    JsonNode exact = helpers.get(registry);
    if (exact != null) {
      return helperName(registry, exact);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = helpers.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (AuthKeys.registryOfKey(e.getKey()).equals(registry)) {
        return helperName(e.getKey(), e.getValue());
      }
    }
    return null;
  }

  private String helperName(String key, JsonNode value) throws CredentialException {
    if (!value.isTextual()) {
      throw new CredentialException(
          "auth file " + path + ": credHelpers entry \"" + key + "\" is not a string");
    }
    return value.asText();
  }

  /**
   * The first {@code auths} entry with credentials: exact keys from the most specific ({@code
   * host/ns/repo}) to the registry, then keys that name the registry as a URL ({@code
   * https://host/v1/}) in file order. Entries without credentials ({@code {}}) are passed over.
   */
  private Optional<Credentials> authsEntry(String registry, String repository)
      throws CredentialException {
    JsonNode auths = root.path("auths");
    if (!auths.isObject()) {
      return Optional.empty();
    }
    for (String key : AuthKeys.candidates(registry, repository)) {
      JsonNode entry = auths.get(key);
      if (entry != null) {
        Optional<Credentials> c = decode(key, entry);
        if (c.isPresent()) {
          return c;
        }
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals(registry) && AuthKeys.registryOfKey(e.getKey()).equals(registry)) {
        Optional<Credentials> c = decode(e.getKey(), e.getValue());
        if (c.isPresent()) {
          return c;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * An entry's credentials: {@code identitytoken}, else {@code auth} (base64 of {@code
   * user:password}, padding optional), else {@code username} and {@code password}; empty when it
   * has none of them complete.
   */
  private Optional<Credentials> decode(String key, JsonNode entry) throws CredentialException {
    String where = "auth file " + path + ": auths entry \"" + key + "\"";
    if (!entry.isObject()) {
      throw new CredentialException(where + " is not an object");
    }
    String token = text(entry, "identitytoken", where);
    if (!token.isEmpty()) {
      return Optional.of(Credentials.identityToken(token));
    }
    String auth = text(entry, "auth", where).strip();
    if (!auth.isEmpty()) {
      byte[] decoded;
      try {
        decoded = Base64.getDecoder().decode(padded(auth));
      } catch (IllegalArgumentException e) {
        throw new CredentialException(where + ": \"auth\" is not valid base64");
      }
      String userPass = new String(decoded, StandardCharsets.UTF_8);
      int colon = userPass.indexOf(':');
      if (colon < 0) {
        throw new CredentialException(where + ": \"auth\" does not decode to user:password");
      }
      String user = userPass.substring(0, colon);
      // docker once padded passwords with NULs; it strips them, and so do we
      String password = userPass.substring(colon + 1).replaceAll("\0+$", "");
      return user.isEmpty() || password.isEmpty()
          ? Optional.empty()
          : Optional.of(new Credentials(user, password));
    }
    String user = text(entry, "username", where);
    String password = text(entry, "password", where);
    return user.isEmpty() || password.isEmpty()
        ? Optional.empty()
        : Optional.of(new Credentials(user, password));
  }

  private static String text(JsonNode entry, String field, String where)
      throws CredentialException {
    JsonNode n = entry.get(field);
    if (n == null || n.isNull()) {
      return "";
    }
    if (!n.isTextual()) {
      throw new CredentialException(where + ": \"" + field + "\" is not a string");
    }
    return n.asText();
  }

  /** Why a file could not be read, without repeating its path. */
  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f) {
      return f.getReason() == null ? e.getClass().getSimpleName() : f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String padded(String base64) {
    int rest = base64.length() % 4;
    return rest == 0 ? base64 : base64 + "=".repeat(4 - rest);
  }
}
