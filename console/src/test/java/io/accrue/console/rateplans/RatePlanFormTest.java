package io.accrue.console.rateplans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class RatePlanFormTest {

    final ObjectMapper json = new ObjectMapper();
    final RatePlanResource resource = new RatePlanResource(null, null, null, json);

    @Test
    void editKeepsWhatTheFormDoesNotShowAndClearsBlankFields() throws Exception {
        var current = json.readTree("""
                {"id":"9a1","slug":"pro","name":"Pro","isDefault":true,"pricing":"markup","markupPercent":"20",
                 "feePerRequest":"0.001","monthlyTokenLimit":1000,"allowedModels":["gpt-4o"],"enforcement":"block",
                 "createdAt":"2026-03-01T00:00:00Z"}""");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("name", " Pro users ");
        form.put("markupPercent", "25");
        form.put("monthlyTokenLimit", " ");
        form.put("enforcement", "alert");
        Map<String, Object> body = resource.body(current, "pro", form);
        assertEquals("Pro users", body.get("name"));
        assertEquals("25", body.get("markupPercent"));
        assertNull(body.get("monthlyTokenLimit"), "blank is 'no limit', never zero");
        assertEquals("alert", body.get("enforcement"));
        assertEquals("0.001", body.get("feePerRequest"), "not in this form submission: carried over");
        assertEquals(java.util.List.of("gpt-4o"), body.get("allowedModels"));
        assertEquals(true, body.get("isDefault"));
        assertFalse(body.containsKey("id") || body.containsKey("createdAt"), "the service rejects unknown fields");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "allowedModels \"{0}\" → {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
            gpt-4o, claude-sonnet-4 | gpt-4o;claude-sonnet-4
            gpt-4o claude-sonnet-4  | gpt-4o;claude-sonnet-4
            '  '                    | ''
            """)
    void allowedModelsAreAListAndBlankAllowsEveryModel(String field, String expected) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("name", "Trial");
        form.put("feePerRequest", "0.002");
        form.put("burstPerMinute", "60");
        form.put("allowedModels", field);
        Map<String, Object> body = resource.body(null, "trial", form);
        assertEquals(expected.isEmpty() ? java.util.List.of() : java.util.List.of(expected.split(";")),
                body.get("allowedModels"));
        // decimals travel as strings (money in the API), counts as JSON numbers (the API binds integers strictly)
        assertEquals("0.002", body.get("feePerRequest"));
        assertEquals(60L, body.get("burstPerMinute"));
    }
}
