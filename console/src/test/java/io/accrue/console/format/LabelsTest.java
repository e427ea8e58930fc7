package io.accrue.console.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelsTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "input                 | Input tokens",
            "cache_write_1h        | Cache write (1 h)",
            "cache_read            | Cached input (cache read)",
            "batch:output          | Output tokens, batch tier",
            "input>200000          | Input tokens above 200,000 tokens of context",
            "priority:input>200000 | Input tokens above 200,000 tokens of context, priority tier",
            "unit.web_search       | web search (per unit)",
            "request               | Request fee",
            "video_seconds         | video_seconds"}) // unknown: shown as it is, never hidden
    void dimension(String key, String expected) {
        assertEquals(expected, Labels.dimension(key));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {"base_fee | Base fee", "overage | Overage",
            "commitment_true_up | Commitment true-up", "credits_returned | Credits returned",
            "coupon_discount | Coupon", "new_kind | new_kind"})
    void lineType(String type, String expected) {
        assertEquals(expected, Labels.lineType(type));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {"35.000000 | 35", "0.0000000000 | 0", "0.001500 | 0.0015", "100.00 | 100",
            "'' | ''"})
    void plainDecimalKeepsTheValueWithoutTrailingZeros(String value, String expected) {
        assertEquals(expected, Labels.plainDecimal(value));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {"whole_term | whole-term", "annual | annual", "'' | ''"})
    void commitmentPeriod(String period, String expected) {
        assertEquals(expected, Labels.commitmentPeriod(period));
    }
}
