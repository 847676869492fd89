package io.oci2squashfs.it.registry;

/**
 * One request a {@link FaultProxy} answered, logged before its answer was sent; no header values,
 * so no secret, only whether an {@code Authorization} header was there.
 *
 * @param host which listener took it: the proxy's {@code 127.0.0.1:PORT}, or the redirect host's
 *     {@code localhost:PORT}
 * @param method the request method
 * @param path the request path, without the query
 * @param status the status answered (for a cut body, the status of the headers that were sent)
 * @param hadAuthorization whether the request carried an {@code Authorization} header
 * @param range the request's {@code Range} header, or null
 * @param cut whether the body was cut short on purpose ({@link FaultProxy#cutBlobs})
 */
public record LoggedRequest(
    String host,
    String method,
    String path,
    int status,
    boolean hadAuthorization,
    String range,
    boolean cut) {

  /** Whether this was a GET of a blob by digest ({@code /v2/NAME/blobs/ALG:HEX}). */
  public boolean isBlobGet() {
    return method.equals("GET") && ProxyConnection.BLOB_PATH.matcher(path).matches();
  }
}
