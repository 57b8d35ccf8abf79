package dev.spectra.service.auth;

import dev.spectra.service.audit.AuditLog;
import dev.spectra.service.web.ApiException;
import dev.spectra.service.web.FieldError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/tokens} (scope admin): create a token for any tenant (the plaintext is in the
 * response once and nowhere else), list tokens without secrets, revoke.
 */
@RestController
@RequestMapping("/api/v1/tokens")
@ConditionalOnBooleanProperty(name = "spectra.api.enabled", matchIfMissing = true)
@Tag(name = "admin")
public class TokenController {

    static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
    private static final Set<String> FIELDS = Set.of("name", "tenant", "scopes", "expiresInSeconds");
    /** Ten years: a bound that keeps the timestamp arithmetic sane, far beyond any sensible rotation. */
    static final long MAX_LIFETIME_SECONDS = 10L * 366 * 24 * 3600;

    private final ApiTokens tokens;
    private final AuditLog audit;

    public TokenController(ApiTokens tokens, AuditLog audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    /** The created token: {@code token} is the secret, shown only here. */
    public record CreatedToken(UUID id, String name, String tenant, List<String> scopes, OffsetDateTime expiresAt,
                               String token) {
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a token",
            description = "Body {name, tenant, scopes, expiresInSeconds}: scopes from jobs:read, jobs:write, worker, "
                    + "admin (default [jobs:read, jobs:write]); expiresInSeconds optional (no expiry when absent). "
                    + "The response holds the token once; only its SHA-256 is stored.")
    @ApiResponse(responseCode = "201", description = "Created")
    public ResponseEntity<CreatedToken> create(@RequestBody JsonNode body, HttpServletRequest request) {
        List<FieldError> errors = new ArrayList<>();
        if (!body.isObject()) {
            throw ApiException.badRequest("invalid-token-request", "The body must be a JSON object {name, tenant, scopes}");
        }
        body.propertyNames().forEach(f -> {
            if (!FIELDS.contains(f)) {
                errors.add(FieldError.of(f, "is not a known field; known: " + FIELDS.stream().sorted().toList()));
            }
        });
        String name = text(body, "name", errors);
        if (name != null && (name.isBlank() || name.length() > 100)) {
            errors.add(new FieldError("name", "must be 1 to 100 characters", name.length() > 100 ? null : name));
        }
        String tenant = text(body, "tenant", errors);
        if (tenant != null && !TENANT.matcher(tenant).matches()) {
            errors.add(new FieldError("tenant", "must match " + TENANT.pattern(), tenant.length() > 100 ? null : tenant));
        }
        Set<Scope> scopes = scopes(body.get("scopes"), errors);
        Long lifetime = lifetime(body.get("expiresInSeconds"), errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid-token-request", "Invalid token request", errors);
        }
        Caller caller = Caller.of(request);
        ApiTokens.Created c = tokens.create(name, tenant, scopes, caller.tokenId(), lifetime);
        Map<String, Object> detail = new java.util.LinkedHashMap<>(Map.of("name", name, "tenant", tenant, "scopes", c.view().scopes()));
        if (c.view().expiresAt() != null) {
            detail.put("expiresAt", c.view().expiresAt().toString());
        }
        audit.record(caller, AuditLog.TOKEN_CREATED, c.view().id(), detail);
        return ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/api/v1/tokens/" + c.view().id()))
                .body(new CreatedToken(c.view().id(), name, tenant, c.view().scopes(), c.view().expiresAt(), c.token()));
    }

    /** Tokens, newest first; never their secrets. */
    public record TokenList(List<ApiTokens.TokenView> items) {
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "List tokens (no secrets)", description = "Optionally of one tenant; revoked ones with includeRevoked=true.")
    public TokenList list(@RequestParam(name = "tenant", required = false) String tenant,
                          @RequestParam(name = "includeRevoked", defaultValue = "false") boolean includeRevoked,
                          @RequestParam(name = "limit", defaultValue = "500") int limit) {
        if (limit < 1 || limit > 1000) {
            throw ApiException.invalid("invalid-parameter", "Invalid query parameters",
                    List.of(new FieldError("limit", "must be in [1, 1000]", limit)));
        }
        return new TokenList(tokens.list(tenant, includeRevoked, limit));
    }

    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A token (no secret)")
    public ApiTokens.TokenView get(@PathVariable("id") UUID id) {
        return tokens.find(id).orElseThrow(() -> notFound(id));
    }

    @DeleteMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Revoke a token", description = "Effective on the next request that presents it. Repeating is harmless.")
    public ApiTokens.TokenView revoke(@PathVariable("id") UUID id, HttpServletRequest request) {
        boolean wasActive = tokens.find(id).map(t -> t.revokedAt() == null).orElseThrow(() -> notFound(id));
        ApiTokens.TokenView t = tokens.revoke(id).orElseThrow(() -> notFound(id));
        if (wasActive) {
            audit.record(Caller.of(request), AuditLog.TOKEN_REVOKED, id, Map.of("name", t.name(), "tenant", t.tenant()));
        }
        return t;
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("token-not-found", "No token " + id);
    }

    private static String text(JsonNode body, String field, List<FieldError> errors) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            errors.add(FieldError.of(field, "is required"));
            return null;
        }
        if (!v.isString()) {
            errors.add(FieldError.of(field, "must be a string"));
            return null;
        }
        return v.asString();
    }

    /** Seconds from now, or null for a token without expiry. */
    private static Long lifetime(JsonNode v, List<FieldError> errors) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1 || v.asLong() > MAX_LIFETIME_SECONDS) {
            errors.add(new FieldError("expiresInSeconds", "must be a whole number of seconds in [1, " + MAX_LIFETIME_SECONDS
                    + "] (omit it for a token without expiry)", v.isNumber() && v.canConvertToLong() ? v.asLong() : null));
            return null;
        }
        return v.asLong();
    }

    private static Set<Scope> scopes(JsonNode v, List<FieldError> errors) {
        if (v == null || v.isNull()) {
            return EnumSet.of(Scope.JOBS_READ, Scope.JOBS_WRITE);
        }
        if (!v.isArray() || v.isEmpty()) {
            errors.add(FieldError.of("scopes", "must be a non-empty array of " + Scope.names()));
            return Set.of();
        }
        Set<Scope> out = EnumSet.noneOf(Scope.class);
        for (int i = 0; i < v.size(); i++) {
            JsonNode s = v.get(i);
            var scope = s.isString() ? Scope.parse(s.asString()) : java.util.Optional.<Scope>empty();
            if (scope.isEmpty()) {
                errors.add(new FieldError("scopes[" + i + "]", "must be one of " + Scope.names(),
                        s.isString() && s.asString().length() <= 100 ? s.asString() : null));
            } else {
                out.add(scope.get());
            }
        }
        return out;
    }
}
