package io.parley.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The HS256 secret of development mode: generated once, kept in the data folder (readable by its
 * owner only), so that tokens minted before a restart stay valid after it.
 */
public final class DevelopmentSecret {

  private DevelopmentSecret() {}

  public static byte[] loadOrCreate(Path file) {
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      byte[] secret =
          Base64.getUrlDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
      if (secret.length < AuthSettings.MIN_SECRET_BYTES) {
        throw new IllegalStateException(
            "the development secret in " + file + " is too short; delete the file to get a new one");
      }
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read or create the development secret " + file, e);
    }
  }

  private static void create(Path file) throws IOException {
    byte[] secret = new byte[AuthSettings.MIN_SECRET_BYTES];
    new SecureRandom().nextBytes(secret);
    Files.createDirectories(file.toAbsolutePath().getParent());
    try {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      return; // another node of a local cluster sharing the folder wrote it first
    }
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the folder's own permissions protect it
    }
    Files.writeString(
        file, Base64.getUrlEncoder().withoutPadding().encodeToString(secret), StandardCharsets.US_ASCII);
  }
}
