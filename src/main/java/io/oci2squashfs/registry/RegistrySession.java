package io.oci2squashfs.registry;

import io.oci2squashfs.cache.BlobCache;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Digester;
import io.oci2squashfs.image.Layer;
import io.oci2squashfs.registry.auth.BearerTokens;
import io.oci2squashfs.registry.auth.CredentialStore;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * What one image's pull works with: a client for its repository (transport, credentials, tokens),
 * the cache (or a temporary one), and the downloads. Closing it stops the downloads and deletes
 * what did not enter the cache.
 */
final class RegistrySession implements Closeable {
  final RegistryReference reference;
  final RegistryClient client;
  final BlobCache cache;
  final BlobDownloads downloads;

  private RegistrySession(
      RegistryReference reference,
      RegistryClient client,
      BlobCache cache,
      BlobDownloads downloads) {
    this.reference = reference;
    this.client = client;
    this.cache = cache;
    this.downloads = downloads;
  }

  static RegistrySession open(
      RegistryReference reference, RegistryOptions options, PullListener listener)
      throws IOException {
    ProxySettings proxies;
    try {
      proxies = ProxySettings.fromEnvironment(options.env());
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    HttpTransport transport =
        new HttpTransport(
            options.tlsVerify(),
            options.certDir(),
            proxies,
            Duration.ofSeconds(15),
            options.readTimeout());
    CredentialStore store =
        CredentialStore.of(
            options.credentials(), options.authFile(), options.env(), options.home());
    RegistryClient client =
        new RegistryClient(
            reference,
            transport,
            store,
            new BearerTokens(new TokenExchange(transport)),
            options.retry(),
            options.tlsVerify());
    BlobCache cache =
        options.cache() == null ? BlobCache.temporary() : BlobCache.open(options.cache());
    BlobDownloads downloads =
        new BlobDownloads(client, cache, options.jobs(), options.retry(), listener);
    return new RegistrySession(reference, client, cache, downloads);
  }

  /**
   * Reads a layer blob whole through its opener and checks it against its digest and size: after
   * this the cache holds it.
   */
  static void fetchWhole(Layer.Opener opener, Digest digest, long size, String where)
      throws IOException {
    Digester check = Digester.toCheck(digest);
    try (InputStream in = check.reading(opener.open())) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    boolean matched = check.count() == size && check.digest().equals(digest);
    String note = opener.checked(matched);
    if (!matched) {
      throw new RegistryException(
          where
              + ": the blob has "
              + check.count()
              + " bytes hashing to "
              + check.digest()
              + ", not "
              + size
              + " bytes of "
              + digest
              + (note == null ? "" : "; " + note),
          -1);
    }
  }

  /** What was downloaded and what the cache had, so far. */
  PullStats stats() {
    return new PullStats(
        reference.toString(),
        downloads.blobs(),
        downloads.downloading(),
        cache.isTemporary() ? null : cache.root().toString());
  }

  @Override
  public void close() throws IOException {
    try {
      downloads.close();
    } finally {
      cache.close();
    }
  }
}
