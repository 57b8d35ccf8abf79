package dev.spectra.service.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds the settings of failure handling (the lease reaper); kept apart from the database wiring. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReaperProperties.class)
public class FaultToleranceConfig {
}
