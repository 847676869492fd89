package io.oci2squashfs.registry.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One authentication challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme such as
 * {@code Bearer} or {@code Basic}, and either auth-params ({@code realm}, {@code service}, {@code
 * scope}) or a token68.
 *
 * @param scheme as the server spelled it; compare with {@link #isScheme}
 * @param params auth-param values by lower-cased name, in header order
 * @param token68 the token68 form's value, or null
 */
public record Challenge(String scheme, Map<String, String> params, String token68) {
  public Challenge {
    Objects.requireNonNull(scheme, "scheme");
    Map<String, String> lower = new LinkedHashMap<>();
    params.forEach((k, v) -> lower.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
    params = Collections.unmodifiableMap(lower);
  }

  /** Whether the scheme is {@code name}, ignoring case as RFC 7235 says. */
  public boolean isScheme(String name) {
    return scheme.equalsIgnoreCase(name);
  }

  public boolean isBearer() {
    return isScheme("Bearer");
  }

  public boolean isBasic() {
    return isScheme("Basic");
  }

  /** The value of the auth-param {@code name} (any case), or null. */
  public String param(String name) {
    return params.get(name.toLowerCase(Locale.ROOT));
  }

  /** The {@code realm} param, or null: for Bearer the token service's URL. */
  public String realm() {
    return param("realm");
  }

  /**
   * Parses one {@code WWW-Authenticate} header value, which may hold several challenges ({@code
   * Bearer realm="a", Basic realm="b"}). Quoted strings may hold commas and backslash escapes;
   * values that should be quoted but hold no comma, space or quote (a bare URL) are accepted too.
   * Empty list elements (stray commas) are skipped. When a param name repeats, its first value
   * counts.
   *
   * @return the challenges in header order; an empty list when the header is null, blank or
   *     malformed anywhere (an unterminated quote, a param without a value, a param before any
   *     scheme): the caller then treats the reply like one without a usable challenge, and may
   *     quote the header, which holds no secret
   */
  public static List<Challenge> parse(String header) {
    if (header == null) {
      return List.of();
    }
    try {
      return List.copyOf(new Parser(header).challenges());
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  /** {@link #parse} over every {@code WWW-Authenticate} header of a reply, in order. */
  public static List<Challenge> parseAll(Collection<String> headers) {
    List<Challenge> all = new ArrayList<>();
    for (String h : headers) {
      all.addAll(parse(h));
    }
    return List.copyOf(all);
  }

  /** Wire form, e.g. {@code Bearer realm="https://a/token",service="a"}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(scheme);
    if (token68 != null) {
      sb.append(' ').append(token68);
    }
    String sep = " ";
    for (Map.Entry<String, String> e : params.entrySet()) {
      sb.append(sep).append(e.getKey()).append("=\"");
      sb.append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      sep = ",";
    }
    return sb.toString();
  }

  /** A recursive-descent reader of the header; throws IllegalArgumentException when malformed. */
  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    private final List<Challenge> out = new ArrayList<>();
    private String scheme;
    private Map<String, String> params;
    private String token68;

    /**
     * Reads comma-separated elements: {@code scheme [token68 | name=value]} or {@code name=value}.
     */
    List<Challenge> challenges() {
      while (true) {
        skipSpaceAndCommas();
        if (i >= s.length()) {
          break;
        }
        String token = token();
        int afterToken = i;
        skipSpace();
        if (peek() == '=') {
          if (scheme == null || token68 != null) {
            throw new IllegalArgumentException("auth-param without a challenge at " + afterToken);
          }
          i++;
          param(token);
          continue;
        }
        finish();
        scheme = token;
        params = new LinkedHashMap<>();
        if (i >= s.length() || s.charAt(i) == ',') {
          continue;
        }
        if (i == afterToken) {
          throw new IllegalArgumentException("unexpected character at " + i);
        }
        if (token68Ahead()) {
          token68 = readToken68();
          expectEndOfElement();
        } else {
          String name = token();
          skipSpace();
          if (peek() != '=') {
            throw new IllegalArgumentException("expected '=' at " + i);
          }
          i++;
          param(name);
        }
      }
      finish();
      return out;
    }

    private void finish() {
      if (scheme != null) {
        out.add(new Challenge(scheme, params, token68));
      }
      scheme = null;
      token68 = null;
    }

    private void param(String name) {
      skipSpace();
      String value = peek() == '"' ? quoted() : bareValue();
      params.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
      expectEndOfElement();
    }

    /** Whether a token68 starts here: its characters, maybe '='s, then the element's end. */
    private boolean token68Ahead() {
      int j = i;
      while (j < s.length() && isToken68Char(s.charAt(j))) {
        j++;
      }
      if (j == i) {
        return false;
      }
      while (j < s.length() && s.charAt(j) == '=') {
        j++;
      }
      while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
        j++;
      }
      return j >= s.length() || s.charAt(j) == ',';
    }

    private String readToken68() {
      int start = i;
      while (i < s.length() && isToken68Char(s.charAt(i))) {
        i++;
      }
      while (i < s.length() && s.charAt(i) == '=') {
        i++;
      }
      return s.substring(start, i);
    }

    private String token() {
      int start = i;
      while (i < s.length() && isTchar(s.charAt(i))) {
        i++;
      }
      if (i == start) {
        throw new IllegalArgumentException("expected a token at " + i);
      }
      return s.substring(start, i);
    }

    private String quoted() {
      StringBuilder sb = new StringBuilder();
      i++; // the opening quote
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') {
          return sb.toString();
        }
        if (c == '\\') {
          if (i >= s.length()) {
            break;
          }
          c = s.charAt(i++);
        }
        sb.append(c);
      }
      throw new IllegalArgumentException("unterminated quoted string");
    }

    /**
     * A token value, or leniently anything up to a comma or space (some servers send bare URLs).
     */
    private String bareValue() {
      int start = i;
      while (i < s.length()
          && s.charAt(i) != ','
          && s.charAt(i) != ' '
          && s.charAt(i) != '\t'
          && s.charAt(i) != '"') {
        i++;
      }
      if (i == start) {
        throw new IllegalArgumentException("auth-param without a value at " + start);
      }
      return s.substring(start, i);
    }

    private void expectEndOfElement() {
      skipSpace();
      if (i < s.length() && s.charAt(i) != ',') {
        throw new IllegalArgumentException("expected ',' at " + i);
      }
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private void skipSpace() {
      while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
    }

    private void skipSpaceAndCommas() {
      while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == ',')) {
        i++;
      }
    }

    private static boolean isTchar(char c) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isToken68Char(char c) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~+/".indexOf(c) >= 0;
    }
  }
}
