package io.accrue.common.error;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The suite's one JSON rule for amounts, which the services used to repeat in their own customizers. */
class JsonConfigTest {

    private final ObjectMapper mapper = configured();

    private static ObjectMapper configured() {
        ObjectMapper mapper = new ObjectMapper();
        new JsonConfig().customize(mapper);
        return mapper;
    }

    @Test
    void amountsLeaveAsPlainDecimalStrings() throws Exception {
        assertEquals("{\"a\":\"0.000000000000\"}", mapper.writeValueAsString(Map.of("a", new BigDecimal("0E-12"))));
        assertEquals("{\"a\":\"1200\"}", mapper.writeValueAsString(Map.of("a", new BigDecimal("1.2E+3"))));
        assertEquals("{\"a\":\"12.50\"}", mapper.writeValueAsString(Map.of("a", new BigDecimal("12.50"))));
    }

    @Test
    void amountsReadFromStringsAndNumbersWithoutLosingDigits() throws Exception {
        assertEquals(new BigDecimal("0.10"), mapper.readValue("\"0.10\"", BigDecimal.class));
        assertEquals(new BigDecimal("0.1"), mapper.readValue("0.1", BigDecimal.class));
    }
}
