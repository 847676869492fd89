package io.oci2squashfs.registry;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * How often and how long to wait before asking again: after HTTP 429 or 503 (for as long as {@code
 * Retry-After} says, else backing off), after a connection lost, and when a blob's download is cut
 * off (then resumed from the last byte received).
 *
 * @param attempts how many times one request is tried in all
 * @param firstWait the wait after the first failure, doubled after each further one
 * @param longestWait the longest wait accepted: a registry asking for more is not waited for
 */
public record RetryPolicy(int attempts, Duration firstWait, Duration longestWait) {
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(60));

  /** The wait before attempt {@code failures + 1}, when there is no {@code Retry-After}. */
  Duration backoff(int failures) {
    long millis = firstWait.toMillis() << Math.min(Math.max(failures - 1, 0), 20);
    return Duration.ofMillis(Math.min(millis, longestWait.toMillis()));
  }

  /**
   * The wait a {@code Retry-After} value asks for (seconds, or an HTTP date), or null when it says
   * nothing usable.
   */
  static Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException e) {
      // an HTTP date
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Sleeps, unless the run is stopped first. */
  static void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to ask the registry again");
    }
  }
}
