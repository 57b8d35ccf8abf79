package dev.spectra.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/** The filter's parts that need no database: header parsing and the switched-off mode. */
class BearerAuthFilterTest {

    @Test
    void onlyBearerWithOneTokenIsAccepted() {
        assertThat(BearerAuthFilter.bearer("Bearer abc")).isEqualTo("abc");
        assertThat(BearerAuthFilter.bearer("BEARER  abc ")).isEqualTo("abc");
        assertThat(BearerAuthFilter.bearer("Basic abc")).isNull();
        assertThat(BearerAuthFilter.bearer("Bearer a b")).isNull();
        assertThat(BearerAuthFilter.bearer("Bearer")).isNull();
        assertThat(BearerAuthFilter.bearer("Bearer " + "x".repeat(513))).isNull();
    }

    @Test
    void withAuthSwitchedOffEveryRequestIsAnAdminOfTheDefaultTenant() throws Exception {
        var filter = new BearerAuthFilter(null, new AuthProperties(false, null, "default", null, null), JsonMapper.builder().build());
        var request = new MockHttpServletRequest("POST", "/api/v1/tokens");
        var response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(Caller.of(request)).isEqualTo(Caller.UNAUTHENTICATED);
        assertThat(Caller.of(request).tenant()).isEqualTo("default");
    }
}
