package io.oci2squashfs.image;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.oci2squashfs.image.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the JSON files of an image, with errors that name the file. {@code where} is the context a
 * message starts with, such as {@code index.json: manifest sha256:...}.
 */
final class JsonFiles {
  /** Manifests, indexes and configs are small; this only stops a wrong blob from filling memory. */
  static final long MAX_JSON_BYTES = 64L << 20;

  // Jackson's "[Source: REDACTED (...); line: 2, column: 16]", which says nothing to a reader.
  private static final Pattern SOURCE =
      Pattern.compile("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]");

  private JsonFiles() {}

  /**
   * Reads a JSON file whole.
   *
   * @param name the file's path relative to the top of the image, checked by {@link
   *     ImageFiles#resolve}; also for messages
   * @param expectedSize the size a descriptor gives, or -1
   */
  static byte[] read(ImageFiles files, String name, String where, long expectedSize)
      throws IOException {
    String resolved = files.resolve(name, where);
    if (!files.isFile(resolved)) {
      throw new ImageFormatException(where + ": blob missing (" + name + ")");
    }
    long size = files.size(resolved);
    if (expectedSize >= 0 && size != expectedSize) {
      throw new ImageFormatException(
          where + ": " + name + " has " + size + " bytes but its descriptor says " + expectedSize);
    }
    if (size > MAX_JSON_BYTES) {
      throw new ImageFormatException(
          where + ": " + name + " is too big for JSON (" + size + " bytes)");
    }
    try (InputStream in = files.open(resolved)) {
      return in.readNBytes((int) size);
    }
  }

  /**
   * Fails unless {@code bytes} hash to {@code expected}: a corrupt or substituted blob is named.
   */
  static void checkDigest(byte[] bytes, Digest expected, String where) throws ImageFormatException {
    Digester hasher = Digester.toCheck(expected);
    hasher.update(bytes, 0, bytes.length);
    Digest actual = hasher.digest();
    if (!actual.equals(expected)) {
      throw new ImageFormatException(
          where
              + ": the blob's content does not match its digest (it hashes to "
              + actual
              + "); it is corrupt or not this blob");
    }
  }

  /**
   * Parses bytes into a wire record.
   *
   * @param name the file the bytes came from, for messages
   */
  static <T> T parse(byte[] bytes, Class<T> type, String name, String where)
      throws ImageFormatException {
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      throw new ImageFormatException(where + ": " + about(name, where) + "is empty");
    }
    try {
      T value = Json.MAPPER.readValue(bytes, type);
      if (value == null) {
        throw new ImageFormatException(
            where + ": " + about(name, where) + "holds null, not a JSON object");
      }
      return value;
    } catch (MismatchedInputException e) {
      if (e.getPath().isEmpty() && type != JsonNode.class) {
        // The whole document has the wrong shape; say so in JSON's words, not Java's.
        JsonNode tree = treeOrNull(bytes);
        if (tree != null) {
          throw new ImageFormatException(
              where
                  + ": "
                  + about(name, where)
                  + "holds a JSON "
                  + kind(tree)
                  + ", not "
                  + (type.isArray() ? "an array" : "an object"),
              e);
        }
      }
      throw malformed(e, name, where);
    } catch (JsonProcessingException e) {
      throw malformed(e, name, where);
    } catch (IOException e) {
      throw new ImageFormatException(where + ": cannot parse " + name + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode treeOrNull(byte[] bytes) {
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      return null;
    }
  }

  // The file's name followed by a space, or nothing when the context already ends with it.
  private static String about(String name, String where) {
    return where.equals(name) || where.endsWith(" " + name) ? "" : name + " ";
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  static JsonNode parseTree(byte[] bytes, String name, String where) throws ImageFormatException {
    JsonNode node = parse(bytes, JsonNode.class, name, where);
    if (!node.isObject()) {
      throw new ImageFormatException(
          where + ": " + about(name, where) + "holds a JSON " + kind(node) + ", not an object");
    }
    return node;
  }

  /** Converts a parsed tree into a wire record. */
  static <T> T convert(JsonNode node, Class<T> type, String name, String where)
      throws ImageFormatException {
    try {
      return Json.MAPPER.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw malformed(e, name, where);
    }
  }

  private static ImageFormatException malformed(
      JsonProcessingException e, String name, String where) {
    // Databind wraps syntax errors found while binding; the syntax error is what to report.
    JsonProcessingException syntax = syntaxError(e);
    JsonProcessingException reported = syntax != null ? syntax : e;
    StringBuilder sb = new StringBuilder(where).append(": ");
    if (syntax == null
        && e instanceof JsonMappingException
        && !((JsonMappingException) e).getPath().isEmpty()) {
      sb.append("unexpected value at ").append(pathOf((JsonMappingException) e));
      if (!about(name, where).isEmpty()) {
        sb.append(" in ").append(name);
      }
    } else {
      sb.append("malformed JSON");
      if (!about(name, where).isEmpty()) {
        sb.append(" in ").append(name);
      }
    }
    JsonLocation at = reported.getLocation();
    if (at != null && at.getLineNr() > 0) {
      sb.append(" at line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr());
    }
    String detail = SOURCE.matcher(reported.getOriginalMessage()).replaceAll("line $1, column $2");
    sb.append(": ").append(detail);
    return new ImageFormatException(sb.toString(), e);
  }

  private static JsonProcessingException syntaxError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StreamReadException) {
        return (JsonProcessingException) t;
      }
    }
    return null;
  }

  // Jackson's path as JSON readers write it: manifests[0].platform.os
  private static String pathOf(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "top level" : sb.toString();
  }
}
