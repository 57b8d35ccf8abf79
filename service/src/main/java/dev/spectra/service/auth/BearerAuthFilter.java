package dev.spectra.service.auth;

import dev.spectra.service.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authenticates every request under {@code /api/} with {@code Authorization: Bearer <token>} and
 * checks the scope {@link EndpointScopes} requires, before anything reads the body (ordered
 * ahead of the size limit). Missing, unknown, revoked or expired token: 401 with {@code WWW-Authenticate:
 * Bearer}; a valid token without the scope: 403. Health, Prometheus and the OpenAPI document are
 * outside {@code /api/} and stay open.
 */
@Component
@Order(0)
public class BearerAuthFilter extends OncePerRequestFilter {

    private static final int MAX_TOKEN_LENGTH = 512;

    private final ApiTokens tokens;
    private final AuthProperties props;
    private final JsonMapper json;

    public BearerAuthFilter(ApiTokens tokens, AuthProperties props, JsonMapper json) {
        this.tokens = tokens;
        this.props = props;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        // SSE and streamed downloads dispatch again; the caller set on the first pass still holds.
        return true;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Caller caller;
        if (!props.enabled()) {
            caller = Caller.UNAUTHENTICATED;
        } else {
            String header = request.getHeader(HttpHeaders.AUTHORIZATION);
            if (header == null || header.isBlank()) {
                unauthorized(request, response, "missing-token", "Authentication required",
                        "Send Authorization: Bearer <token>", "Bearer realm=\"spectra\"");
                return;
            }
            String token = bearer(header);
            if (token == null) {
                unauthorized(request, response, "invalid-token", "Invalid token",
                        "The Authorization header must be 'Bearer <token>'", "Bearer realm=\"spectra\", error=\"invalid_request\"");
                return;
            }
            Optional<Caller> found;
            try {
                found = tokens.authenticate(token);
            } catch (DataAccessException e) {
                problem(request, response, HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable", "Service unavailable",
                        "The database is unreachable; retry later");
                return;
            }
            if (found.isEmpty()) {
                unauthorized(request, response, "invalid-token", "Invalid token",
                        "The bearer token is unknown, revoked or expired", "Bearer realm=\"spectra\", error=\"invalid_token\"");
                return;
            }
            caller = found.get();
        }
        Set<Scope> needed = EndpointScopes.required(request.getMethod(), request.getRequestURI());
        if (needed.stream().noneMatch(caller::has)) {
            String scopes = needed.stream().map(Scope::value).sorted().collect(Collectors.joining(" "));
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE,
                    "Bearer realm=\"spectra\", error=\"insufficient_scope\", scope=\"" + scopes + "\"");
            problem(request, response, HttpStatus.FORBIDDEN, "insufficient-scope", "Forbidden",
                    "This token (" + caller.tokenName() + ") lacks the scope this request needs: " + scopes);
            return;
        }
        request.setAttribute(Caller.ATTRIBUTE, caller);
        chain.doFilter(request, response);
    }

    /** The token of {@code Bearer <token>} (scheme case-insensitive), or null when malformed. */
    static String bearer(String header) {
        int sp = header.indexOf(' ');
        if (sp <= 0 || !header.substring(0, sp).equalsIgnoreCase("Bearer")) {
            return null;
        }
        String token = header.substring(sp + 1).strip();
        return token.isEmpty() || token.length() > MAX_TOKEN_LENGTH || token.chars().anyMatch(Character::isWhitespace)
                ? null : token;
    }

    private void unauthorized(HttpServletRequest request, HttpServletResponse response, String code, String title,
                              String detail, String challenge) throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
        problem(request, response, HttpStatus.UNAUTHORIZED, code, title, detail);
    }

    private void problem(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String code,
                         String title, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(ProblemResponses.PROBLEM_JSON.toString());
        json.writeValue(response.getOutputStream(), ProblemResponses.bodyOf(status, code, title, detail, request.getRequestURI()));
    }
}
