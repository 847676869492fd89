package io.oci2squashfs.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.exec.ToolException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mount failures with fake tools: the tool's own words reach the message, and no mount point is
 * left.
 */
class FuseMountTest {
  @TempDir Path tmp;

  Path script(String name, String body) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  static long mountPoints() throws Exception {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("oci2squashfs-mnt-")).count();
    }
  }

  @Test
  void aFailingMounterIsQuotedAndLeavesNothing() throws Exception {
    long before = mountPoints();
    VerifyTools tools =
        VerifyTools.DEFAULT
            .withSquashfuse(
                script(
                        "squashfuse_ll",
                        "echo 'fuse: device not found, try modprobe fuse first' >&2; exit 1")
                    .toString())
            .withFusermount(script("fusermount3", "exit 0").toString());
    ToolException e =
        assertThrows(ToolException.class, () -> FuseMount.mount(tmp.resolve("x.squashfs"), tools));
    assertTrue(e.getMessage().contains("device not found"), e.getMessage());
    assertTrue(e.getMessage().contains("exit 1"), e.getMessage());
    assertTrue(e.hint().contains("--method unsquashfs"), e.hint());
    assertEquals(before, mountPoints());
  }

  @Test
  void aMounterThatMountsNothingIsAnError() throws Exception {
    VerifyTools tools =
        VerifyTools.DEFAULT
            .withSquashfuse(script("squashfuse_ll", "exit 0").toString())
            .withFusermount(script("fusermount3", "exit 0").toString());
    ToolException e =
        assertThrows(ToolException.class, () -> FuseMount.mount(tmp.resolve("x.squashfs"), tools));
    assertTrue(e.getMessage().contains("nothing is mounted"), e.getMessage());
  }

  @Test
  void missingToolsAreNamed() {
    VerifyTools tools = VerifyTools.DEFAULT.withSquashfuse("/nonexistent/squashfuse_ll");
    ToolException e = assertThrows(ToolException.class, () -> FuseMount.mount(Path.of("x"), tools));
    assertTrue(e.getMessage().contains("/nonexistent/squashfuse_ll"), e.getMessage());
    assertTrue(FuseMount.unusableReason(tools) != null);
  }

  @Test
  void trustedAndSecurityNamesSwapBack() {
    java.util.TreeMap<String, String> x = new java.util.TreeMap<>();
    x.put("trusted.a", "01");
    x.put("security.capability", "02");
    x.put("user.u", "03");
    TreeSnapshot s =
        Verifier.swapTrustedAndSecurity(
            TreeSnapshot.of(TreeEntry.directory("/", 0755, 0, 0).withXattrs(x)));
    assertEquals(
        List.of("security.a", "trusted.capability", "user.u"),
        List.copyOf(s.get("/").xattrs().keySet()));
  }
}
