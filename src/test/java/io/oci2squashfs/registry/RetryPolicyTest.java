package io.oci2squashfs.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  void backoffDoublesUpToTheLongestWait() {
    RetryPolicy p = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(5));
    assertEquals(Duration.ofSeconds(1), p.backoff(1));
    assertEquals(Duration.ofSeconds(2), p.backoff(2));
    assertEquals(Duration.ofSeconds(4), p.backoff(3));
    assertEquals(Duration.ofSeconds(5), p.backoff(4));
    assertEquals(Duration.ofSeconds(5), p.backoff(30));
  }

  @Test
  void retryAfterTakesSecondsOrAnHttpDate() {
    assertEquals(Duration.ofSeconds(7), RetryPolicy.retryAfter("7"));
    assertEquals(Duration.ZERO, RetryPolicy.retryAfter("-3"));
    String inTenSeconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(10));
    Duration d = RetryPolicy.retryAfter(inTenSeconds);
    assertTrue(d.toSeconds() >= 8 && d.toSeconds() <= 10, d.toString());
    assertNull(RetryPolicy.retryAfter("soon"));
    assertNull(RetryPolicy.retryAfter(null));
  }
}
