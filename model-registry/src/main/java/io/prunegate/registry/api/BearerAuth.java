package io.prunegate.registry.api;

import io.prunegate.registry.RegistryProblem;
import io.prunegate.registry.RegistryProblem.Kind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;

/**
 * Bearer-token checks. Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}
 * against every configured token without stopping at a match, so the time taken does not depend on
 * how much of a guess was right (nor on token lengths). Write tokens may read and write; read
 * tokens may only read, and are needed only when reads are protected.
 */
public final class BearerAuth {

  private final List<byte[]> writeDigests;
  private final List<byte[]> readDigests;
  private final boolean readsNeedToken;
  private final boolean openWrites;

  public BearerAuth(
      List<String> writeTokens,
      List<String> readTokens,
      boolean readsNeedToken,
      boolean openWrites) {
    this.writeDigests = writeTokens.stream().map(BearerAuth::digest).toList();
    this.readDigests = readTokens.stream().map(BearerAuth::digest).toList();
    this.readsNeedToken = readsNeedToken;
    this.openWrites = openWrites;
  }

  /** Throws 401 or 403 unless the {@code Authorization} header grants {@code access}. */
  public void check(Access access, String authorization) {
    if (access == Access.OPEN
        || (access == Access.READ && !readsNeedToken)
        || (access == Access.WRITE && openWrites)) {
      return;
    }
    if (authorization == null || authorization.isBlank()) {
      throw new RegistryProblem(Kind.UNAUTHORIZED, "Authorization", "missing bearer token");
    }
    String value = authorization.trim();
    if (value.length() < 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      throw new RegistryProblem(
          Kind.UNAUTHORIZED, "Authorization", "Authorization must be 'Bearer <token>'");
    }
    byte[] presented = digest(value.substring(7).trim());
    boolean writer = matchesAny(presented, writeDigests);
    boolean reader = matchesAny(presented, readDigests);
    if (access == Access.WRITE) {
      if (writer) {
        return;
      }
      if (reader) {
        throw new RegistryProblem(Kind.FORBIDDEN, "Authorization", "this token may only read");
      }
      throw new RegistryProblem(Kind.UNAUTHORIZED, "Authorization", "invalid bearer token");
    }
    if (!writer && !reader) {
      throw new RegistryProblem(Kind.UNAUTHORIZED, "Authorization", "invalid bearer token");
    }
  }

  private static boolean matchesAny(byte[] presented, List<byte[]> digests) {
    boolean match = false;
    for (byte[] d : digests) {
      match |= MessageDigest.isEqual(presented, d);
    }
    return match;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
