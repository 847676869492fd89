/**
 * Registry authentication: which credentials a user has for a registry ({@link
 * io.oci2squashfs.registry.auth.CredentialStore}: {@code --creds}, podman's and docker's auth
 * files, docker credential helpers), what a registry asks for ({@link
 * io.oci2squashfs.registry.auth.Challenge}), and the Bearer tokens a token service grants ({@link
 * io.oci2squashfs.registry.auth.BearerTokens}). No secret ever appears in a message or {@code
 * toString}. Does no HTTP of its own ({@link io.oci2squashfs.registry.auth.TokenHttp} is the
 * caller's); uses the JDK, the project's Jackson mapper, {@code exec} and {@code cleanup}.
 */
package io.oci2squashfs.registry.auth;
