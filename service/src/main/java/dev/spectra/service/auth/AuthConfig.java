package dev.spectra.service.auth;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/**
 * Authentication settings, and the OpenAPI document's statement that every {@code /api/v1}
 * operation takes a bearer token (the document itself, like health and Prometheus, is public:
 * it describes the contract, not anyone's data).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthProperties.class)
@OpenAPIDefinition(info = @Info(title = "Spectra API", version = "v1"),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "Authorization: Bearer <token>. Scopes: jobs:read, jobs:write, worker, admin (implies all).")
public class AuthConfig {
}
