package io.oci2squashfs.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {
  private static Challenge only(String header) {
    List<Challenge> all = Challenge.parse(header);
    assertEquals(1, all.size(), () -> header + " -> " + all);
    return all.get(0);
  }

  @Test
  void dockerHubsBearerChallenge() {
    Challenge c =
        only(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/ubuntu:pull\"");
    assertTrue(c.isBearer());
    assertFalse(c.isBasic());
    assertEquals("Bearer", c.scheme());
    assertEquals("https://auth.docker.io/token", c.realm());
    assertEquals("registry.docker.io", c.param("service"));
    assertEquals("repository:library/ubuntu:pull", c.param("scope"));
    assertNull(c.param("error"));
    assertNull(c.token68());
  }

  @Test
  void basicChallenge() {
    Challenge c = only("Basic realm=\"Registry Realm\"");
    assertTrue(c.isBasic());
    assertEquals("Registry Realm", c.realm());
    assertEquals(Map.of("realm", "Registry Realm"), c.params());
  }

  @Test
  void schemesAndParamNamesIgnoreCase() {
    Challenge c = only("bEARER REALM=\"https://a/t\", Service=\"s\"");
    assertTrue(c.isBearer());
    assertTrue(c.isScheme("BEARER"));
    assertEquals("https://a/t", c.param("realm"));
    assertEquals("https://a/t", c.param("Realm"));
    assertEquals("s", c.param("SERVICE"));
  }

  @Test
  void quotedStringsKeepCommasAndUnescapeBackslashes() {
    Challenge c =
        only(
            "Bearer realm=\"https://a/t\",scope=\"repository:a:pull,push repository:b:pull\","
                + "error_description=\"say \\\"hi\\\", then a \\\\ backslash\"");
    assertEquals("repository:a:pull,push repository:b:pull", c.param("scope"));
    assertEquals("say \"hi\", then a \\ backslash", c.param("error_description"));
  }

  @Test
  void severalChallengesInOneHeader() {
    List<Challenge> all =
        Challenge.parse(
            "Bearer realm=\"https://a/token\", service=\"a\", Basic realm=\"b, c\", Negotiate");
    assertEquals(3, all.size(), all::toString);
    assertEquals("https://a/token", all.get(0).realm());
    assertEquals("a", all.get(0).param("service"));
    assertTrue(all.get(1).isBasic());
    assertEquals("b, c", all.get(1).realm());
    assertEquals(1, all.get(1).params().size());
    assertEquals("Negotiate", all.get(2).scheme());
    assertEquals(Map.of(), all.get(2).params());
  }

  @Test
  void token68IsToldFromAnAuthParam() {
    List<Challenge> all = Challenge.parse("Negotiate abc+/de==, Basic realm=x, Other tok");
    assertEquals(3, all.size(), all::toString);
    assertEquals("abc+/de==", all.get(0).token68());
    assertEquals(Map.of(), all.get(0).params());
    assertEquals("x", all.get(1).realm());
    assertNull(all.get(1).token68());
    assertEquals("tok", all.get(2).token68());
    // RFC 7235's grammar reads "name=" with no value as a token68 with padding
    assertEquals("realm=", only("Bearer realm=").token68());
  }

  @Test
  void spacesAroundEqualsStrayCommasAndBareValuesAreAccepted() {
    Challenge c = only(" ,Bearer  realm = \"https://a/t\" ,, service=reg.io ,scope=https://x/y, ");
    assertEquals("https://a/t", c.realm());
    assertEquals("reg.io", c.param("service"));
    assertEquals("https://x/y", c.param("scope"), "a bare URL, as some servers send it");
  }

  @Test
  void theFirstOfARepeatedParamCounts() {
    assertEquals("one", only("Bearer realm=one, REALM=two").realm());
  }

  @Test
  void aSchemeAloneHasNoParams() {
    Challenge c = only("Bearer");
    assertTrue(c.isBearer());
    assertNull(c.realm());
  }

  @Test
  void malformedHeadersGiveNoChallenge() {
    for (String bad :
        new String[] {
          "Bearer realm=\"https://a/t",
          "Bearer realm=\"a\\",
          "realm=\"a\"",
          "Bearer realm=\"a\", service=",
          "Bearer realm=\"a\" service=\"b\"",
          "Bearer \"quoted\"",
          "Bearer realm=\"a\", =b",
          "Negotiate abc==, realm=x",
          "(Bearer)",
        }) {
      assertEquals(List.of(), Challenge.parse(bad), bad);
    }
  }

  @Test
  void nothingGivesNoChallenge() {
    assertEquals(List.of(), Challenge.parse(null));
    assertEquals(List.of(), Challenge.parse(""));
    assertEquals(List.of(), Challenge.parse("  , "));
  }

  @Test
  void parseAllJoinsSeveralHeaders() {
    List<Challenge> all =
        Challenge.parseAll(List.of("Basic realm=\"r\"", "Bearer realm=\"https://a/t\""));
    assertEquals(2, all.size());
    assertTrue(all.get(0).isBasic());
    assertTrue(all.get(1).isBearer());
  }

  @Test
  void toStringIsTheWireForm() {
    String header = "Bearer realm=\"https://a/t\",scope=\"x \\\"y\\\"\"";
    Challenge c = only(header);
    assertEquals(header, c.toString());
    assertEquals(c, only(c.toString()));
  }
}
