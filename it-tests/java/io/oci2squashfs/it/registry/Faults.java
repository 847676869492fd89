package io.oci2squashfs.it.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The switches of a {@link FaultProxy}: which checks and faults the next requests meet. Each switch
 * is one atomic value, so tests may flip them while requests are in flight; a fault meant for the
 * next N requests is taken by exactly N of them.
 */
final class Faults {
  enum AuthMode {
    NONE,
    BASIC,
    BEARER
  }

  /** Which authentication the proxy asks for; user null with BEARER: anonymous tokens. */
  record Auth(AuthMode mode, String user, String password) {
    static final Auth NONE = new Auth(AuthMode.NONE, null, null);

    /** Whether an Authorization header holds this user's Basic credentials. */
    boolean acceptsBasic(String authorization) {
      String[] given = basicCredentials(authorization);
      return user != null
          && given != null
          && given[0].equals(user)
          && given[1].equals(password == null ? "" : password);
    }
  }

  /** A fault for the next {@code remaining} takers, with its parameter. */
  private record Countdown(int remaining, long value) {
    static final Countdown NONE = new Countdown(0, 0);

    /** Takes one; the value, or -1 when none is left. */
    static long take(AtomicReference<Countdown> ref) {
      Countdown before =
          ref.getAndUpdate(c -> c.remaining > 0 ? new Countdown(c.remaining - 1, c.value) : c);
      return before.remaining > 0 ? before.value : -1;
    }
  }

  final BearerTokens tokens = new BearerTokens();
  final TokenBucket bandwidth = new TokenBucket();
  private final AtomicReference<Auth> auth = new AtomicReference<>(Auth.NONE);
  private final AtomicReference<Countdown> tooMany = new AtomicReference<>(Countdown.NONE);
  private final AtomicReference<Countdown> unavailable = new AtomicReference<>(Countdown.NONE);
  private final AtomicReference<Countdown> cuts = new AtomicReference<>(Countdown.NONE);
  private volatile boolean redirect;

  Auth auth() {
    return auth.get();
  }

  void auth(Auth value) {
    auth.set(value);
  }

  void tooManyRequests(int count, int retryAfterSeconds) {
    tooMany.set(new Countdown(nonNegative(count), nonNegative(retryAfterSeconds)));
  }

  /** The Retry-After seconds for this request, or -1 when it is not to be refused. */
  long takeTooManyRequests() {
    return Countdown.take(tooMany);
  }

  void serviceUnavailable(int count) {
    unavailable.set(new Countdown(nonNegative(count), 0));
  }

  boolean takeServiceUnavailable() {
    return Countdown.take(unavailable) >= 0;
  }

  void cutBlobs(long afterBytes, int times) {
    if (afterBytes < 0) {
      throw new IllegalArgumentException("afterBytes must be >= 0: " + afterBytes);
    }
    cuts.set(new Countdown(nonNegative(times), afterBytes));
  }

  /** How many body bytes this blob response may send before the cut, or -1: no cut. */
  long takeCut() {
    return Countdown.take(cuts);
  }

  boolean redirect() {
    return redirect;
  }

  void redirect(boolean on) {
    redirect = on;
  }

  /** {user, password} from a {@code Basic} Authorization header, or null. */
  static String[] basicCredentials(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0
          ? null
          : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  private static int nonNegative(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("must be >= 0: " + n);
    }
    return n;
  }
}
