package io.accrue.subscription.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Whether invoice-service can convert provider cost into a currency now. A plan that bills usage at provider
 * cost plus markup cannot invoice an account in another currency than the cost's without a recorded rate, so
 * such a change is refused when it is made, not discovered at the close. "No rate" (404) is an answer; any
 * other failure propagates (after retries) so the caller fails closed.
 */
@ApplicationScoped
public class ExchangeRates {

    private final ExchangeRateApi api;

    ExchangeRates(@RestClient ExchangeRateApi api) {
        this.api = api;
    }

    @Timeout(3000)
    @Retry(maxRetries = 2, delay = 200)
    public boolean recorded(String from, String to) {
        try (var response = api.effective(from, to)) {
            return response.getStatus() == 200;
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                return false;
            }
            throw e;
        }
    }
}
