package dev.spectra.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class SpectraApplication {
    public static void main(String[] args) {
        SpringApplication.run(SpectraApplication.class, args);
    }
}
