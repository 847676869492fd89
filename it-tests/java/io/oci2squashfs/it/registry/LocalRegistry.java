package io.oci2squashfs.it.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real registry for a test: the CNCF distribution server ({@code docker-registry serve}) on a
 * free port of 127.0.0.1, storing in a temporary directory of its own, plain HTTP, optionally
 * behind htpasswd Basic auth. {@link #close()} stops it and deletes its storage; a JVM shutdown
 * hook does the same for one a failed test never closed.
 *
 * <pre>{@code
 * try (LocalRegistry registry = LocalRegistry.start()) {
 *   registry.push("oci:examples/demo-image:latest", "demo:latest");
 *   String image = "docker://" + registry.hostPort() + "/demo:latest";
 * }
 * }</pre>
 */
public final class LocalRegistry implements AutoCloseable {
  private static final long START_TIMEOUT_MS = 20_000;

  private final Path dir;
  private final Process process;
  private final int port;
  private final String user;
  private final String password;
  private final Thread shutdownHook;
  private boolean closed;

  private LocalRegistry(Path dir, Process process, int port, String user, String password) {
    this.dir = dir;
    this.process = process;
    this.port = port;
    this.user = user;
    this.password = password;
    this.shutdownHook = new Thread(this::stop, "local-registry-cleanup");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a registry that anyone may push to and pull from. */
  public static LocalRegistry start() throws IOException, InterruptedException {
    return start(null, null);
  }

  /**
   * Starts a registry that answers 401 with {@code WWW-Authenticate: Basic} unless the request
   * carries {@code user}'s credentials (a bcrypt htpasswd file, as {@code htpasswd -B} writes).
   */
  public static LocalRegistry startWithBasicAuth(String user, String password)
      throws IOException, InterruptedException {
    if (user == null || password == null) {
      throw new IllegalArgumentException("user and password are required");
    }
    return start(user, password);
  }

  private static LocalRegistry start(String user, String password)
      throws IOException, InterruptedException {
    String binary = Commands.require("docker-registry");
    Path dir = Files.createTempDirectory("local-registry-");
    try {
      if (user != null) {
        String line =
            Commands.run(Commands.require("htpasswd"), "-Bbn", user, password).orThrow().output();
        Files.writeString(dir.resolve("htpasswd"), line.strip() + "\n");
      }
      // Another process may take the free port between our probe and the server's bind: retry.
      IOException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = freePort();
        Path config = writeConfig(dir, port, user != null);
        Process p =
            new ProcessBuilder(binary, "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        try {
          awaitReady(p, port, dir);
          return new LocalRegistry(dir, p, port, user, password);
        } catch (IOException e) {
          kill(p);
          last = e;
        }
      }
      throw last;
    } catch (IOException | InterruptedException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** Where clients reach it: {@code 127.0.0.1:PORT}. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  /** The server process's id, for tests that check nothing is left running. */
  public long pid() {
    return process.pid();
  }

  /** The temporary directory holding the config, the storage and the server's log. */
  public Path directory() {
    return dir;
  }

  /**
   * Copies an image into this registry with skopeo, using the registry's credentials if it has any.
   *
   * @param skopeoSource a skopeo transport reference: {@code oci:/path:tag}, {@code
   *     oci-archive:/x.tar}, {@code docker-archive:/x.tar}, ...
   * @param repoAndTag where to put it, as {@code repo/name:tag}
   */
  public void push(String skopeoSource, String repoAndTag)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Commands.require("skopeo"));
    // The tests' own images need no signature policy; don't depend on the machine's policy.json.
    cmd.addAll(List.of("--insecure-policy", "copy", "--dest-tls-verify=false"));
    if (user != null) {
      cmd.addAll(List.of("--dest-creds", user + ":" + password));
    }
    cmd.addAll(List.of(skopeoSource, "docker://" + hostPort() + "/" + repoAndTag));
    Commands.Result r = Commands.run(Duration.ofMinutes(5), cmd);
    if (r.exitCode() != 0) {
      throw new IOException(
          "pushing "
              + skopeoSource
              + " to "
              + hostPort()
              + "/"
              + repoAndTag
              + " failed (skopeo exit "
              + r.exitCode()
              + "): "
              + Commands.tail(r.output()));
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after five seconds) and deletes its directory. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down; the hook runs or has run stop() itself
    }
  }

  private synchronized void stop() {
    if (closed) {
      return;
    }
    closed = true;
    kill(process);
    deleteTree(dir);
  }

  private static void kill(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static Path writeConfig(Path dir, int port, boolean auth) throws IOException {
    StringBuilder yaml = new StringBuilder();
    yaml.append("version: 0.1\n")
        .append("log:\n  level: error\n  accesslog:\n    disabled: true\n")
        .append("storage:\n")
        .append("  filesystem:\n    rootdirectory: ")
        .append(dir.resolve("data"))
        .append('\n')
        .append("  delete:\n    enabled: true\n")
        .append("  maintenance:\n    uploadpurging:\n      enabled: false\n")
        .append("http:\n  addr: 127.0.0.1:")
        .append(port)
        .append('\n')
        // a fixed secret silences the "generated random secret" warning; one server, no peers
        .append("  secret: ")
        .append(UUID.randomUUID())
        .append('\n');
    if (auth) {
      yaml.append("auth:\n  htpasswd:\n    realm: local-registry\n    path: ")
          .append(dir.resolve("htpasswd"))
          .append('\n');
    }
    Path config = dir.resolve("config.yml");
    Files.writeString(config, yaml, StandardCharsets.UTF_8);
    return config;
  }

  /** Waits until {@code GET /v2/} answers (200, or 401 with auth), or the server exits. */
  private static void awaitReady(Process p, int port, Path dir)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException(
            "docker-registry exited with " + p.exitValue() + " while starting: " + log(dir));
      }
      try {
        HttpURLConnection c =
            (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/v2/").openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        int status = c.getResponseCode();
        c.disconnect();
        if (status == 200 || status == 401) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IOException(
        "docker-registry did not answer on port " + port + " within 20 s: " + log(dir));
  }

  private static String log(Path dir) {
    try {
      return Commands.tail(Files.readString(dir.resolve("registry.log")));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete the registry's directory " + dir, e);
    }
  }
}
