package io.oci2squashfs.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities a registry's TLS certificate may be signed by: the system's, and the
 * {@code *.crt} files where podman and docker users put a private registry's CA: {@code
 * --cert-dir}, else {@code /etc/containers/certs.d/HOST:PORT/} and {@code
 * /etc/docker/certs.d/HOST:PORT/}.
 */
final class TrustedCertificates {
  static final List<Path> SYSTEM_DIRS =
      List.of(Path.of("/etc/containers/certs.d"), Path.of("/etc/docker/certs.d"));

  private TrustedCertificates() {}

  /**
   * A socket factory that trusts the system's authorities and the extra ones for {@code host}, or
   * null when there are none beyond the system's.
   *
   * @param certDir {@code --cert-dir}: the only place looked in for extra ones, or null
   * @throws IOException naming the file when a certificate cannot be read
   */
  static SSLSocketFactory forHost(String host, Path certDir) throws IOException {
    List<Path> files = new ArrayList<>();
    if (certDir != null) {
      files.addAll(crtFiles(certDir));
    } else {
      for (Path dir : SYSTEM_DIRS) {
        files.addAll(crtFiles(dir.resolve(host)));
      }
    }
    if (files.isEmpty()) {
      return null;
    }
    try {
      KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
      extra.load(null, null);
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      int n = 0;
      for (Path f : files) {
        try (InputStream in = Files.newInputStream(f)) {
          for (Certificate c : x509.generateCertificates(in)) {
            extra.setCertificateEntry("extra-" + n++, c);
          }
        } catch (java.security.cert.CertificateException e) {
          throw new IOException(f + ": not a PEM certificate: " + e.getMessage(), e);
        }
      }
      X509TrustManager system = trustManager(null);
      X509TrustManager added = trustManager(extra);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {either(system, added)}, null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use the certificates for " + host + ": " + e.getMessage(), e);
    }
  }

  private static List<Path> crtFiles(Path dir) throws IOException {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.crt")) {
      s.forEach(found::add);
    }
    found.sort(null);
    return found;
  }

  private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory f =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(store);
    for (TrustManager m : f.getTrustManagers()) {
      if (m instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  // Trusted when either the system's authorities or the added ones vouch for the chain.
  private static X509TrustManager either(X509TrustManager a, X509TrustManager b) {
    return new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType)
          throws java.security.cert.CertificateException {
        a.checkClientTrusted(chain, authType);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType)
          throws java.security.cert.CertificateException {
        try {
          b.checkServerTrusted(chain, authType);
        } catch (java.security.cert.CertificateException e) {
          a.checkServerTrusted(chain, authType);
        }
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        X509Certificate[] x = a.getAcceptedIssuers();
        X509Certificate[] y = b.getAcceptedIssuers();
        X509Certificate[] all = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, all, x.length, y.length);
        return all;
      }
    };
  }
}
