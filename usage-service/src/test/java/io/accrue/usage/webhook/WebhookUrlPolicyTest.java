package io.accrue.usage.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookUrlPolicyTest {

    /** Literal addresses only, so the table needs no DNS. */
    @ParameterizedTest(name = "{0} (private allowed: {1}) -> allowed {2}")
    @CsvSource({
            "https://93.184.216.34/hooks, false, true",
            "https://[2606:2800:220:1:248:1893:25c8:1946]/hooks, false, true",
            "http://93.184.216.34/hooks, false, false",
            "https://127.0.0.1/hooks, false, false",
            "https://10.1.2.3/hooks, false, false",
            "https://172.16.0.1/hooks, false, false",
            "https://192.168.1.1/hooks, false, false",
            "https://169.254.169.254/latest/meta-data, false, false",
            "https://100.64.0.1/hooks, false, false",
            "https://0.0.0.0/hooks, false, false",
            "https://[::1]/hooks, false, false",
            "https://[fd00::1]/hooks, false, false",
            "https://[fe80::1]/hooks, false, false",
            "http://127.0.0.1:8080/hooks, true, true",
            "ftp://93.184.216.34/hooks, true, false",
            "https://user:pass@93.184.216.34/hooks, true, false",
            "/relative/hooks, true, false",
            "not a url, true, false"})
    void onlyPublicHttpsUnlessPrivateIsAllowed(String url, boolean allowPrivate, boolean allowed) {
        assertEquals(allowed, WebhookUrlPolicy.refusal(url, allowPrivate).isEmpty(),
                () -> String.valueOf(WebhookUrlPolicy.refusal(url, allowPrivate)));
    }
}
