package io.oci2squashfs.it.registry;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The proxy's token server, as Docker's token authentication describes it: {@code GET
 * /token?service=..&scope=..} with optional Basic credentials, and the OAuth2 form {@code POST
 * /token} with {@code grant_type=refresh_token} or {@code password}. Logic only: request parts in,
 * an {@link Answer} out.
 */
final class TokenEndpoint {
  private final BearerTokens tokens;

  TokenEndpoint(BearerTokens tokens) {
    this.tokens = tokens;
  }

  /**
   * Answers a token request.
   *
   * @param auth the proxy's current authentication; its user (if any) is who may get tokens
   * @param body the form of a POST, empty for a GET
   */
  Answer answer(String method, String query, String authorization, String body, Faults.Auth auth) {
    String user = auth.mode() == Faults.AuthMode.BEARER ? auth.user() : null;
    if (method.equals("GET")) {
      return get(params(query), authorization, user, auth);
    }
    if (method.equals("POST")) {
      return post(params(body), user, auth);
    }
    return Answer.registryError(405, "Method Not Allowed", "UNSUPPORTED", method + " /token")
        .with("Allow", "GET, POST");
  }

  private Answer get(
      Map<String, List<String>> params, String authorization, String user, Faults.Auth auth) {
    Answer badService = checkService(params);
    if (badService != null) {
      return badService;
    }
    if (user != null && !auth.acceptsBasic(authorization)) {
      return Answer.registryError(
              401, "Unauthorized", "UNAUTHORIZED", "wrong or missing credentials for a token")
          .with("WWW-Authenticate", "Basic realm=\"" + FaultProxy.SERVICE + "\"");
    }
    boolean offline = "true".equals(first(params, "offline_token"));
    return Answer.json(200, "OK", tokens.json(tokens.issue(scopes(params)), offline));
  }

  private Answer post(Map<String, List<String>> form, String user, Faults.Auth auth) {
    Answer badService = checkService(form);
    if (badService != null) {
      return badService;
    }
    String grant = first(form, "grant_type");
    if ("refresh_token".equals(grant)) {
      String expected = tokens.refreshToken();
      if (expected == null || !expected.equals(first(form, "refresh_token"))) {
        return Answer.oauthError("invalid_grant", "unknown refresh token");
      }
      return Answer.json(200, "OK", tokens.json(tokens.issue(scopes(form)), true));
    }
    if ("password".equals(grant)) {
      boolean ok =
          user == null
              || (user.equals(first(form, "username"))
                  && String.valueOf(auth.password()).equals(first(form, "password")));
      if (!ok) {
        return Answer.oauthError("invalid_grant", "wrong username or password");
      }
      boolean offline = "offline".equals(first(form, "access_type"));
      return Answer.json(200, "OK", tokens.json(tokens.issue(scopes(form)), offline));
    }
    return Answer.oauthError("unsupported_grant_type", "grant_type " + grant);
  }

  private static Answer checkService(Map<String, List<String>> params) {
    String service = first(params, "service");
    if (!FaultProxy.SERVICE.equals(service)) {
      return Answer.registryError(
          400, "Bad Request", "DENIED", "service must be " + FaultProxy.SERVICE + ": " + service);
    }
    return null;
  }

  /** Each scope parameter; one may hold several, space-separated (the OAuth2 form's way). */
  private static List<String> scopes(Map<String, List<String>> params) {
    List<String> scopes = new ArrayList<>();
    for (String s : params.getOrDefault("scope", List.of())) {
      for (String part : s.split(" ")) {
        if (!part.isEmpty()) {
          scopes.add(part);
        }
      }
    }
    return scopes;
  }

  private static String first(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Decodes {@code a=1&b=2&b=3} (a query or an urlencoded form). */
  static Map<String, List<String>> params(String encoded) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return params;
    }
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return params;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
