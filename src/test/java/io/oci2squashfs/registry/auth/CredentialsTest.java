package io.oci2squashfs.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CredentialsTest {
  @Test
  void toStringHidesTheSecret() {
    Credentials c = new Credentials("bob", "hunter2");
    assertEquals("Credentials[username=bob, secret=***]", c.toString());
    assertFalse(Credentials.identityToken("tok-123").toString().contains("tok-123"));
  }

  @Test
  void userColonPasswordSplitsAtTheFirstColon() {
    Credentials c = Credentials.parseUserColonPassword("bob:pa:ss:");
    assertEquals("bob", c.username());
    assertEquals("pa:ss:", c.secret());
    assertFalse(c.isIdentityToken());
  }

  @Test
  void badUserColonPasswordNeverEchoesTheText() {
    for (String text : new String[] {"s3cretWithoutColon", ":s3cret", "s3cret:"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> Credentials.parseUserColonPassword(text));
      assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
      assertTrue(e.getMessage().contains("USER:PASSWORD"), e.getMessage());
    }
  }

  @Test
  void identityTokensAreMarkedByTheTokenUser() {
    Credentials t = Credentials.identityToken("refresh-me");
    assertTrue(t.isIdentityToken());
    assertEquals("<token>", t.username());
    assertEquals("refresh-me", t.secret());
    assertEquals("identity token", t.describe());
    assertTrue(new Credentials("<token>", "x").isIdentityToken());
    assertEquals("user bob", new Credentials("bob", "x").describe());
  }

  @Test
  void emptyPartsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Credentials("", "x"));
    assertThrows(IllegalArgumentException.class, () -> new Credentials("bob", ""));
    assertThrows(NullPointerException.class, () -> new Credentials("bob", null));
  }
}
