package io.accrue.subscription.lifecycle;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.accrue.common.http.NeighbourAnswers;
import io.smallrye.faulttolerance.api.CircuitBreakerName;

/**
 * invoice-service, behind one circuit breaker: every call goes through {@link #guarded}, the one fault-tolerant
 * method (Quarkus allows a breaker name on one method only; calls to it from this class are intercepted). Every
 * call is a read, so they are retried. A 4xx is invoice-service's answer ({@link Rejected}): not retried, not
 * counted. Values here are defaults; application.properties sets them
 * ({@code io.accrue.subscription.lifecycle.InvoiceClient/guarded/...}). Failures propagate so the caller fails
 * closed.
 */
@ApplicationScoped
public class InvoiceClient {

    public static final String NAME = "invoice-service";

    /** Not settled yet: a draft will be finalised, an uncollectible one may still be paid. */
    static final List<String> UNSETTLED = List.of("draft", "open", "uncollectible");

    /** invoice-service answered with a 4xx (other than 408/429): asking again cannot change the answer. */
    public static class Rejected extends RuntimeException {

        private final int status;

        Rejected(WebApplicationException cause) {
            super(NAME + " rejected the request: HTTP " + cause.getResponse().getStatus(), cause);
            this.status = cause.getResponse().getStatus();
        }

        public int status() {
            return status;
        }
    }

    private final InvoiceApi invoices;
    private final ExchangeRateApi rates;

    InvoiceClient(@RestClient InvoiceApi invoices, @RestClient ExchangeRateApi rates) {
        this.invoices = invoices;
        this.rates = rates;
    }

    /**
     * An invoice the organisation still owes, if any. A currency switch is refused while one is unsettled: its
     * payment, credit notes and dunning all happen in the old currency.
     */
    public Optional<InvoiceApi.Item> firstUnsettled(String orgId) {
        return guarded(() -> {
            for (String status : UNSETTLED) {
                InvoiceApi.Page page = invoices.list(orgId, status, 1);
                if (page.items() != null && !page.items().isEmpty()) {
                    return Optional.of(page.items().get(0));
                }
            }
            return Optional.<InvoiceApi.Item>empty();
        });
    }

    /**
     * Whether invoice-service can convert provider cost into a currency now. A plan that bills usage at provider
     * cost plus markup cannot invoice an account in another currency than the cost's without a recorded rate, so
     * such a change is refused when it is made, not discovered at the close. "No rate" (404) is an answer.
     */
    public boolean rateRecorded(String from, String to) {
        try {
            return guarded(() -> {
                try (var response = rates.effective(from, to)) {
                    return response.getStatus() == 200;
                }
            });
        } catch (Rejected e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * An issued invoice's PDF, the attachment of its "invoice issued" mail. Failures propagate: the mail waits and is
     * tried again rather than sent without its invoice.
     */
    public byte[] pdf(String orgId, String invoiceId) {
        return guarded(() -> invoices.pdf(orgId, invoiceId));
    }

    @Timeout(3000)
    @Retry(maxRetries = 2, delay = 200, abortOn = Rejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = Rejected.class)
    @CircuitBreakerName(NAME)
    <T> T guarded(Supplier<T> request) {
        return NeighbourAnswers.refusalAs(Rejected::new, request);
    }
}
