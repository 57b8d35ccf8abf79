package dev.spectra.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code api_tokens} table. A token is {@code spt_} plus 256 random bits (base64url); the
 * table keeps only its SHA-256, which is enough for a lookup because the token itself is
 * unguessable (no salt or slow hash needed, unlike passwords). Revocation and expiry take effect
 * on the next request: every request looks its token up (and open event streams re-check theirs,
 * see {@link #stillValid}).
 */
@Repository
public class ApiTokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    static final String PREFIX = "spt_";

    private final JdbcClient jdbc;

    public ApiTokens(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A token as the admin API shows it: never the secret. */
    public record TokenView(UUID id, String name, String tenant, List<String> scopes, boolean bootstrap,
                            OffsetDateTime createdAt, UUID createdBy, OffsetDateTime revokedAt, OffsetDateTime lastUsedAt,
                            OffsetDateTime expiresAt) {
    }

    /** A new token with its plaintext, which exists only in this response. */
    public record Created(TokenView view, String token) {
    }

    public static String generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** Usable: neither revoked nor past its expiry. */
    private static final String LIVE = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())";

    /**
     * The caller a token stands for, if it exists, is not revoked and has not expired. Notes the use at most once
     * a minute per token, so authentication does not turn every read into a write.
     */
    public Optional<Caller> authenticate(String token) {
        return jdbc.sql("""
                WITH t AS (SELECT id, name, tenant, scopes FROM api_tokens WHERE token_hash = :hash AND %s),
                touch AS (UPDATE api_tokens a SET last_used_at = now() FROM t
                          WHERE a.id = t.id AND (a.last_used_at IS NULL OR a.last_used_at < now() - interval '1 minute'))
                SELECT id, name, tenant, scopes FROM t
                """.formatted(LIVE))
                .param("hash", hash(token))
                .query((rs, n) -> new Caller(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("tenant"),
                        scopes(rs)))
                .optional();
    }

    /**
     * A new token.
     *
     * @param expiresInSeconds lifetime from now (computed by the database clock, which also judges
     *                         expiry), or null for a token that lives until revoked
     */
    public Created create(String name, String tenant, Set<Scope> scopes, UUID createdBy, Long expiresInSeconds) {
        String token = generate();
        TokenView view = jdbc.sql("""
                INSERT INTO api_tokens (id, name, tenant, scopes, token_hash, bootstrap, created_by, expires_at)
                VALUES (:id, :name, :tenant, string_to_array(:scopes, ','), :hash, false, :createdBy,
                        now() + make_interval(secs => CAST(:ttl AS double precision)))
                RETURNING *""")
                .param("id", UUID.randomUUID()).param("name", name).param("tenant", tenant)
                .param("scopes", scopes.stream().map(Scope::value).sorted().collect(Collectors.joining(",")))
                .param("hash", hash(token)).param("createdBy", createdBy).param("ttl", expiresInSeconds)
                .query(ApiTokens::view).single();
        return new Created(view, token);
    }

    /**
     * Which of {@code ids} still authenticate (not revoked, not expired): long-lived requests such
     * as event streams call this to end themselves when their token stops being valid.
     */
    public Set<UUID> stillValid(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql("SELECT id FROM api_tokens WHERE id IN (:ids) AND " + LIVE)
                .param("ids", List.copyOf(ids)).query(UUID.class).list());
    }

    /**
     * Makes {@code token} the one active bootstrap admin token: stores its hash unless present
     * (a bootstrap token an admin revoked stays revoked) and revokes earlier bootstrap tokens.
     *
     * @return the token's row
     */
    public TokenView ensureBootstrap(String token, String tenant) {
        String hash = hash(token);
        jdbc.sql("UPDATE api_tokens SET revoked_at = now() WHERE bootstrap AND revoked_at IS NULL AND token_hash <> :hash")
                .param("hash", hash).update();
        jdbc.sql("""
                INSERT INTO api_tokens (id, name, tenant, scopes, token_hash, bootstrap)
                VALUES (:id, 'bootstrap', :tenant, ARRAY['admin'], :hash, true)
                ON CONFLICT (token_hash) DO NOTHING""")
                .param("id", UUID.randomUUID()).param("tenant", tenant).param("hash", hash).update();
        return jdbc.sql("SELECT * FROM api_tokens WHERE token_hash = :hash").param("hash", hash).query(ApiTokens::view).single();
    }

    /** Tokens newest first, optionally of one tenant; revoked ones only when asked for. */
    public List<TokenView> list(String tenant, boolean includeRevoked, int limit) {
        return jdbc.sql("""
                SELECT * FROM api_tokens
                WHERE (CAST(:tenant AS text) IS NULL OR tenant = :tenant) AND (:revoked OR revoked_at IS NULL)
                ORDER BY created_at DESC, id LIMIT :limit""")
                .param("tenant", tenant).param("revoked", includeRevoked).param("limit", limit)
                .query(ApiTokens::view).list();
    }

    public Optional<TokenView> find(UUID id) {
        return jdbc.sql("SELECT * FROM api_tokens WHERE id = :id").param("id", id).query(ApiTokens::view).optional();
    }

    /** Revokes a token (again harmlessly if already revoked); empty when there is no such token. */
    public Optional<TokenView> revoke(UUID id) {
        jdbc.sql("UPDATE api_tokens SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL").param("id", id).update();
        return find(id);
    }

    private static Set<Scope> scopes(ResultSet rs) throws SQLException {
        Set<Scope> out = EnumSet.noneOf(Scope.class);
        for (Object s : (Object[]) rs.getArray("scopes").getArray()) {
            Scope.parse((String) s).ifPresent(out::add);
        }
        return out;
    }

    private static TokenView view(ResultSet rs, int n) throws SQLException {
        return new TokenView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("tenant"),
                scopes(rs).stream().map(Scope::value).toList(), rs.getBoolean("bootstrap"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("created_by", UUID.class),
                rs.getObject("revoked_at", OffsetDateTime.class), rs.getObject("last_used_at", OffsetDateTime.class),
                rs.getObject("expires_at", OffsetDateTime.class));
    }
}
