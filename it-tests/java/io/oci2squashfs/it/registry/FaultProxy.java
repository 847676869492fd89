package io.oci2squashfs.it.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 front for a registry (a {@link LocalRegistry}'s {@code host:port}) that injects the
 * faults a registry client must survive: token or Basic authentication, 429 and 503, blob bodies
 * cut short, blobs redirected to another host, a bandwidth limit. Listens on a free port of
 * 127.0.0.1; a second listener, reached as {@code localhost}, plays blob storage on another host.
 *
 * <p>Switches take effect for the next requests and may be flipped while requests are in flight.
 * Requests it passes on go to the upstream over a new connection each ({@code Connection: close}),
 * with bodies streamed through; the proxy's own credentials and tokens are not passed on, a
 * client's {@code Authorization} is when the proxy asks for none (so an upstream's own Basic auth
 * works through it). Every answered request is logged ({@link #requests()}).
 *
 * <pre>{@code
 * try (LocalRegistry registry = LocalRegistry.start();
 *     FaultProxy proxy = FaultProxy.start(registry.hostPort())) {
 *   proxy.requireBearer("user", "secret").cutBlobs(1000, 1);
 *   // pull docker://<proxy.hostPort()>/demo:latest with the client under test
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {
  /** The token service name in the Bearer challenge; the token endpoint insists on it. */
  public static final String SERVICE = "fault-proxy";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String upstreamHost;
  private final int upstreamPort;
  private final ServerSocket main;
  private final List<ServerSocket> blobHost; // one port, on 127.0.0.1 and (if any) ::1
  private final Faults faults = new Faults();
  private final ExecutorService threads;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<String> signatures = ConcurrentHashMap.newKeySet();
  private final List<LoggedRequest> log = new ArrayList<>();
  private volatile boolean authorizationOnBlobHost;
  private volatile boolean closed;

  private FaultProxy(String upstream, int port) throws IOException {
    int colon = upstream.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("upstream must be HOST:PORT: " + upstream);
    }
    this.upstreamHost = upstream.substring(0, colon);
    this.upstreamPort = Integer.parseInt(upstream.substring(colon + 1));
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    this.main = new ServerSocket(port, 100, loopback);
    this.blobHost = bindBlobHost(loopback);
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fault-proxy-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    threads.execute(() -> acceptLoop(main, false));
    for (ServerSocket s : blobHost) {
      threads.execute(() -> acceptLoop(s, true));
    }
  }

  /** Starts a proxy for {@code upstreamHostPort} on a free port. */
  public static FaultProxy start(String upstreamHostPort) throws IOException {
    return new FaultProxy(upstreamHostPort, 0);
  }

  /** Starts a proxy for {@code upstreamHostPort} on {@code port} of 127.0.0.1 (0: a free one). */
  public static FaultProxy start(String upstreamHostPort, int port) throws IOException {
    return new FaultProxy(upstreamHostPort, port);
  }

  /** Where clients reach the proxy: {@code 127.0.0.1:PORT}. */
  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  public int port() {
    return main.getLocalPort();
  }

  /** The redirect host, {@code localhost:PORT}: another host name than {@link #hostPort()}. */
  public String redirectHostPort() {
    return "localhost:" + blobHost.get(0).getLocalPort();
  }

  /**
   * Asks for Docker token authentication: a {@code /v2/} request without a valid token (missing,
   * expired, or not granting pull on its repository) gets 401 with {@code WWW-Authenticate: Bearer
   * realm="http://127.0.0.1:PORT/token",service="fault-proxy",scope="repository:NAME:pull"} (no
   * scope for {@code /v2/} itself). The token endpoint gives tokens to {@code user} (Basic
   * credentials on {@code GET /token}, or the OAuth2 password grant on {@code POST /token}), or to
   * anyone when {@code user} is null. Replaces Basic authentication.
   */
  public FaultProxy requireBearer(String user, String password) {
    faults.auth(new Faults.Auth(Faults.AuthMode.BEARER, user, password));
    return this;
  }

  /**
   * Asks for Basic authentication: 401 with {@code WWW-Authenticate: Basic realm="fault-proxy"}
   * unless a request carries {@code user}'s credentials. Replaces token authentication.
   */
  public FaultProxy requireBasic(String user, String password) {
    if (user == null) {
      throw new IllegalArgumentException("Basic authentication needs a user");
    }
    faults.auth(new Faults.Auth(Faults.AuthMode.BASIC, user, password));
    return this;
  }

  /** Asks for no authentication (the start state); a client's credentials then go upstream. */
  public FaultProxy noAuth() {
    faults.auth(Faults.Auth.NONE);
    return this;
  }

  /**
   * How long tokens issued from now on are valid (default five minutes); the token answer's {@code
   * expires_in} says so, rounded up to whole seconds. An expired token gets the Bearer challenge
   * again, so a pull that outlasts its token must fetch another.
   */
  public FaultProxy tokenLifetime(Duration lifetime) {
    faults.tokens.lifetime(lifetime);
    return this;
  }

  /**
   * The refresh token that {@code POST /token} accepts ({@code grant_type=refresh_token}) and that
   * a token answer carries when asked for one ({@code offline_token=true} on a GET, {@code
   * access_type=offline} with the password grant); null: none.
   */
  public FaultProxy refreshToken(String token) {
    faults.tokens.refreshToken(token);
    return this;
  }

  /** Makes every token issued so far invalid at once. */
  public FaultProxy expireTokens() {
    faults.tokens.expireAll();
    return this;
  }

  /**
   * The next {@code count} requests to the proxy's own port, whatever they are (token requests
   * too), get 429 with {@code Retry-After: retryAfterSeconds} and a registry error {@code
   * TOOMANYREQUESTS}, before any authentication check.
   */
  public FaultProxy tooManyRequests(int count, int retryAfterSeconds) {
    faults.tooManyRequests(count, retryAfterSeconds);
    return this;
  }

  /** As {@link #tooManyRequests}, with 503, error code {@code UNAVAILABLE} and no Retry-After. */
  public FaultProxy serviceUnavailable(int count) {
    faults.serviceUnavailable(count);
    return this;
  }

  /**
   * The next {@code times} blob GETs answered 200 or 206 by the upstream (on either host) send the
   * upstream's status and headers, full Content-Length included, then only {@code afterBytes} of
   * the body, and close the connection. Range requests pass to the upstream, which answers 206, so
   * a client can resume.
   */
  public FaultProxy cutBlobs(long afterBytes, int times) {
    faults.cutBlobs(afterBytes, times);
    return this;
  }

  /**
   * While on, blob GETs that pass authentication get {@code 307 Location:
   * http://localhost:PORT/v2/NAME/blobs/DIGEST?sig=...}, a signed URL (as blob storage hands out)
   * of the redirect host, which serves the blob from the upstream without asking for credentials
   * (and notes any it is sent: {@link #authorizationSeenOnRedirectHost()}).
   */
  public FaultProxy redirectBlobs(boolean on) {
    faults.redirect(on);
    return this;
  }

  /** Whether any request to the redirect host carried an {@code Authorization} header. */
  public boolean authorizationSeenOnRedirectHost() {
    return authorizationOnBlobHost;
  }

  /**
   * Limits the rate of all blob bodies together, as one slow link would, to {@code bytesPerSecond}
   * (0: no limit, the start state). Other bodies are not paced.
   */
  public FaultProxy throttle(long bytesPerSecond) {
    faults.bandwidth.rate(bytesPerSecond);
    return this;
  }

  /** The requests answered so far, oldest first, each logged before its answer was sent. */
  public List<LoggedRequest> requests() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** Forgets the requests logged so far. */
  public void clearRequests() {
    synchronized (log) {
      log.clear();
    }
  }

  /** Stops listening and ends every connection, in flight or idle. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(main);
    blobHost.forEach(FaultProxy::closeQuietly);
    open.forEach(FaultProxy::closeQuietly);
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs a proxy until killed, for benchmarks from the shell: {@code --upstream HOST:PORT [--port
   * P] [--rate BYTES_PER_SEC]}. Prints the port it listens on, alone on a line, when ready.
   */
  public static void main(String[] args) throws Exception {
    String upstream = null;
    int port = 0;
    long rate = 0;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--upstream" -> upstream = args[++i];
          case "--port" -> port = Integer.parseInt(args[++i]);
          case "--rate" -> rate = Long.parseLong(args[++i]);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (upstream == null) {
        throw new IllegalArgumentException("--upstream HOST:PORT is required");
      }
    } catch (RuntimeException e) {
      System.err.println("fault-proxy: " + e.getMessage());
      System.err.println(
          "usage: FaultProxy --upstream HOST:PORT [--port P] [--rate BYTES_PER_SEC]");
      System.exit(2);
    }
    FaultProxy proxy = start(upstream, port).throttle(rate);
    Runtime.getRuntime().addShutdownHook(new Thread(proxy::close, "fault-proxy-stop"));
    System.out.println(proxy.port());
    System.out.flush();
    new CountDownLatch(1).await(); // until killed
  }

  // --- for ProxyConnection

  void log(LoggedRequest request) {
    synchronized (log) {
      log.add(request);
    }
  }

  void forget(Socket socket) {
    open.remove(socket);
  }

  /** A new connection to the upstream, closed with the proxy if still open then. */
  Socket openUpstream() throws IOException {
    Socket s = new Socket();
    track(s);
    try {
      s.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5000);
      return s;
    } catch (IOException e) {
      forget(s);
      s.close();
      throw e;
    }
  }

  String newRedirectSignature() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    String sig = HexFormat.of().formatHex(bytes);
    signatures.add(sig);
    return sig;
  }

  /** Whether {@code sig} is one the proxy issued; good as long as the proxy runs, for resumes. */
  boolean isRedirectSignature(String sig) {
    return sig != null && signatures.contains(sig);
  }

  void authorizationSeenOnRedirectHost(boolean seen) {
    authorizationOnBlobHost = seen;
  }

  private void track(Socket s) throws SocketException {
    open.add(s);
    if (closed) {
      open.remove(s);
      closeQuietly(s);
      throw new SocketException("fault proxy closed");
    }
  }

  private void acceptLoop(ServerSocket server, boolean isBlobHost) {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        track(s);
        threads.execute(new ProxyConnection(this, faults, s, isBlobHost));
      } catch (IOException | RuntimeException e) { // closed meanwhile: pool shut down
        forget(s);
        closeQuietly(s);
      }
    }
  }

  /** The redirect host's listeners: a free port of 127.0.0.1, and the same of ::1 if there is. */
  private static List<ServerSocket> bindBlobHost(InetAddress loopback) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    sockets.add(new ServerSocket(0, 100, loopback));
    // "localhost" may resolve to ::1 first; listen there too, where the machine has IPv6
    try {
      sockets.add(
          new ServerSocket(sockets.get(0).getLocalPort(), 100, InetAddress.getByName("::1")));
    } catch (IOException noIpv6) {
      // IPv4 only; localhost is 127.0.0.1
    }
    return sockets;
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }
}
