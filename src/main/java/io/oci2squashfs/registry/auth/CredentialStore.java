package io.oci2squashfs.registry.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a user's registry credentials are, as docker, podman and skopeo users have them set up.
 * Searched in the order containers/image uses: the explicit {@code --creds}; else only the {@code
 * --authfile} if one is given; else only {@code $REGISTRY_AUTH_FILE} if set; else {@code
 * $XDG_RUNTIME_DIR/containers/auth.json}, {@code $XDG_CONFIG_HOME/containers/auth.json} (by default
 * {@code ~/.config/containers/auth.json}), and {@code $DOCKER_CONFIG/config.json} (by default
 * {@code ~/.docker/config.json}). The first file that gives credentials wins; within a file {@code
 * credHelpers[registry]} comes first, then the most specific {@code auths} entry, then {@code
 * credsStore} (see {@link #lookup}).
 *
 * <p>Files of the default search that do not exist are skipped; a file the user named ({@code
 * --authfile}, {@code $REGISTRY_AUTH_FILE}) must exist. Lookups are remembered, so a helper is
 * asked once per registry and repository; safe for use by several threads.
 */
public final class CredentialStore {
  /** Credentials and where they came from, for messages ({@code source} holds no secret). */
  public record Found(Credentials credentials, String source) {
    public Found {
      Objects.requireNonNull(credentials, "credentials");
      Objects.requireNonNull(source, "source");
    }

    /** E.g. {@code credentials from auth file /root/.docker/config.json (user bob)}. */
    public String describe() {
      return "credentials from " + source + " (" + credentials.describe() + ")";
    }
  }

  /** An auth file to search, and the option or variable that named it (null: the default list). */
  private record AuthPath(Path path, String namedBy) {}

  static final Duration HELPER_TIMEOUT = Duration.ofSeconds(30);

  private final Credentials explicit;
  private final List<AuthPath> files;
  private final Map<String, String> env;
  private final Duration helperTimeout;
  private final Map<String, Optional<Found>> found = new HashMap<>();

  private CredentialStore(
      Credentials explicit, List<AuthPath> files, Map<String, String> env, Duration helperTimeout) {
    this.explicit = explicit;
    this.files = List.copyOf(files);
    this.env = Map.copyOf(env);
    this.helperTimeout = helperTimeout;
  }

  /**
   * The store for a run.
   *
   * @param explicit the {@code --creds} credentials, or null
   * @param authFile the {@code --authfile}, or null
   * @param env the environment: its variables choose the files, its {@code PATH} finds helpers, and
   *     helpers run in it
   * @param home the user's home directory
   */
  public static CredentialStore of(
      Credentials explicit, Path authFile, Map<String, String> env, Path home) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(home, "home");
    List<AuthPath> files = new ArrayList<>();
    String registryAuthFile = nonEmpty(env.get("REGISTRY_AUTH_FILE"));
    if (authFile != null) {
      files.add(new AuthPath(authFile, "--authfile"));
    } else if (registryAuthFile != null) {
      files.add(new AuthPath(Path.of(registryAuthFile), "$REGISTRY_AUTH_FILE"));
    } else {
      String runtimeDir = nonEmpty(env.get("XDG_RUNTIME_DIR"));
      if (runtimeDir != null) {
        files.add(new AuthPath(Path.of(runtimeDir, "containers", "auth.json"), null));
      }
      String configHome = nonEmpty(env.get("XDG_CONFIG_HOME"));
      Path config = configHome != null ? Path.of(configHome) : home.resolve(".config");
      files.add(new AuthPath(config.resolve("containers").resolve("auth.json"), null));
      String dockerConfig = nonEmpty(env.get("DOCKER_CONFIG"));
      Path docker = dockerConfig != null ? Path.of(dockerConfig) : home.resolve(".docker");
      files.add(new AuthPath(docker.resolve("config.json"), null));
    }
    return new CredentialStore(explicit, files, env, HELPER_TIMEOUT);
  }

  /** {@link #of} with this process's environment and {@code user.home}. */
  public static CredentialStore fromSystem(Credentials explicit, Path authFile) {
    return of(explicit, authFile, System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** This store with another time limit for credential helpers (tests). */
  CredentialStore withHelperTimeout(Duration timeout) {
    return new CredentialStore(explicit, files, env, timeout);
  }

  /** The auth files searched, in order (some may not exist); empty with {@code --creds}. */
  public List<Path> authFiles() {
    return explicit != null ? List.of() : files.stream().map(AuthPath::path).toList();
  }

  /**
   * The credentials for {@code repository} on {@code registry}, or empty for anonymous access.
   * Within a file: the helper {@code credHelpers} names for the registry; else the first {@code
   * auths} entry with credentials among {@code registry/repository}, its parent namespaces and
   * {@code registry} (exact keys, most specific first), then keys naming the registry as a URL
   * ({@code https://host/}, {@code http://host/v1/}, Docker Hub's {@code
   * https://index.docker.io/v1/}); else the {@code credsStore} helper. A helper that has no
   * credentials lets the search go on to the next file.
   *
   * @param registry host[:port]; Docker Hub is {@code docker.io} (its other names are accepted)
   * @param repository e.g. {@code library/debian}
   * @throws CredentialException when a file is malformed or unreadable, a named file is missing, or
   *     a credential helper is missing, fails or hangs
   */
  public synchronized Optional<Found> lookup(String registry, String repository)
      throws CredentialException {
    if (explicit != null) {
      return Optional.of(new Found(explicit, "--creds"));
    }
    String reg = AuthKeys.normalizeRegistry(registry);
    String repo = repository == null ? "" : repository;
    String key = reg + "/" + repo;
    Optional<Found> known = found.get(key);
    if (known != null) {
      return known;
    }
    Optional<Found> result = search(reg, repo);
    found.put(key, result);
    return result;
  }

  private Optional<Found> search(String registry, String repository) throws CredentialException {
    for (AuthPath f : files) {
      Optional<AuthFile> file = AuthFile.read(f.path());
      if (file.isEmpty()) {
        if (f.namedBy() != null) {
          throw new CredentialException(
              "auth file " + f.path() + " (" + f.namedBy() + ") does not exist");
        }
        continue;
      }
      Optional<Found> hit = file.get().lookup(registry, repository, env, helperTimeout);
      if (hit.isPresent()) {
        return hit;
      }
    }
    return Optional.empty();
  }

  private static String nonEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  @Override
  public String toString() {
    return "CredentialStore["
        + (explicit != null ? "--creds " + explicit.describe() : "files=" + authFiles())
        + "]";
  }
}
