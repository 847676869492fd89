package io.oci2squashfs.registry;

import io.oci2squashfs.registry.auth.Credentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach registries: credentials, TLS, the cache, parallel downloads.
 *
 * @param credentials from {@code --creds}, or null to look them up (auth files, credential helpers)
 * @param authFile from {@code --authfile}: the only auth file read, or null for the usual ones
 * @param tlsVerify false to accept any certificate, or plain HTTP ({@code --tls-verify=false})
 * @param certDir {@code --cert-dir}: the only directory of extra CA certificates ({@code *.crt}),
 *     or null for {@code /etc/containers/certs.d/HOST:PORT} and {@code /etc/docker/certs.d/...}
 * @param cache the cache directory, or null for none ({@code --no-cache}: blobs go to a temporary
 *     directory deleted after the run)
 * @param jobs how many blobs download at once
 * @param retry when and how long to wait before asking again
 * @param readTimeout how long a read may stall before the connection counts as lost
 * @param env the environment (proxies, auth file locations, PATH for credential helpers)
 * @param home the user's home directory
 */
public record RegistryOptions(
    Credentials credentials,
    Path authFile,
    boolean tlsVerify,
    Path certDir,
    Path cache,
    int jobs,
    RetryPolicy retry,
    Duration readTimeout,
    Map<String, String> env,
    Path home) {
  public static final int DEFAULT_JOBS = 3;

  public RegistryOptions {
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(readTimeout, "readTimeout");
    env = Map.copyOf(env);
    Objects.requireNonNull(home, "home");
    if (jobs < 1) {
      throw new IllegalArgumentException("jobs must be at least 1: " + jobs);
    }
  }

  /** What a command has with no registry option: this process's environment, the default cache. */
  public static RegistryOptions fromEnvironment() {
    Map<String, String> env = System.getenv();
    Path home = Path.of(System.getProperty("user.home"));
    return new RegistryOptions(
        null,
        null,
        true,
        null,
        io.oci2squashfs.cache.BlobCache.defaultDirectory(env, home),
        DEFAULT_JOBS,
        RetryPolicy.DEFAULT,
        Duration.ofSeconds(30),
        env,
        home);
  }

  public RegistryOptions withCredentials(Credentials c) {
    return new RegistryOptions(
        c, authFile, tlsVerify, certDir, cache, jobs, retry, readTimeout, env, home);
  }

  public RegistryOptions withAuthFile(Path f) {
    return new RegistryOptions(
        credentials, f, tlsVerify, certDir, cache, jobs, retry, readTimeout, env, home);
  }

  /** With {@code dir} as the only directory of extra CA certificates (null: certs.d). */
  public RegistryOptions withCertDir(Path dir) {
    return new RegistryOptions(
        credentials, authFile, tlsVerify, dir, cache, jobs, retry, readTimeout, env, home);
  }

  public RegistryOptions withTlsVerify(boolean v) {
    return new RegistryOptions(
        credentials, authFile, v, certDir, cache, jobs, retry, readTimeout, env, home);
  }

  /** With {@code dir} as the cache, or none for null. */
  public RegistryOptions withCache(Path dir) {
    return new RegistryOptions(
        credentials, authFile, tlsVerify, certDir, dir, jobs, retry, readTimeout, env, home);
  }

  public RegistryOptions withJobs(int n) {
    return new RegistryOptions(
        credentials, authFile, tlsVerify, certDir, cache, n, retry, readTimeout, env, home);
  }

  public RegistryOptions withRetry(RetryPolicy r) {
    return new RegistryOptions(
        credentials, authFile, tlsVerify, certDir, cache, jobs, r, readTimeout, env, home);
  }

  public RegistryOptions withReadTimeout(Duration d) {
    return new RegistryOptions(
        credentials, authFile, tlsVerify, certDir, cache, jobs, retry, d, env, home);
  }
}
