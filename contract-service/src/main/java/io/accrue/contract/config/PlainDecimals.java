package io.accrue.contract.config;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Writes decimals in plain notation: a zero stored at 12 decimal places reads {@code "0.000000000000"},
 * not {@code "0E-12"}, which clients parsing money text would not expect. (A candidate for common's JsonConfig.)
 */
@Singleton
public class PlainDecimals implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    }
}
