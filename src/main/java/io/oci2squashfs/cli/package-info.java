/** The command line: picocli commands only. The only package that prints or exits. */
package io.oci2squashfs.cli;
