package io.oci2squashfs.it.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oci2squashfs.image.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response the proxy makes up itself (an error, a challenge, a token), JSON-bodied. */
record Answer(int status, String reason, Map<String, String> headers, String body) {
  Answer {
    headers = Map.copyOf(headers);
  }

  static Answer json(int status, String reason, String body) {
    return new Answer(status, reason, Map.of("Content-Type", "application/json"), body);
  }

  /** A registry error as distribution writes them: {@code {"errors":[{"code":..}]}}. */
  static Answer registryError(int status, String reason, String code, String message) {
    ObjectNode error = Json.MAPPER.createObjectNode().put("code", code).put("message", message);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putArray("errors").add(error);
    return json(status, reason, body.toString());
  }

  /** An OAuth2 error ({@code {"error":"invalid_grant"}}), as token endpoints answer a POST. */
  static Answer oauthError(String error, String description) {
    ObjectNode body =
        Json.MAPPER.createObjectNode().put("error", error).put("error_description", description);
    return json(400, "Bad Request", body.toString());
  }

  Answer with(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Answer(status, reason, more, body);
  }
}
