package io.accrue.invoice.outbox;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Side effects that stopped: a neighbour refused them (4xx) or they ran out of attempts. Operators fix the cause. */
@Path("/v1/operator/failed-deliveries")
@Tag(name = "Billed-through ledger")
public class FailedDeliveryResource {

    public record FailedDelivery(UUID id, String kind, UUID invoiceId, UUID endUserInvoiceId, int attempts,
            String lastError, Instant createdAt) {}

    private final OutboxRepository outbox;

    FailedDeliveryResource(OutboxRepository outbox) {
        this.outbox = outbox;
    }

    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "Outbox entries that will not be delivered without an operator, oldest first")
    public List<FailedDelivery> list() {
        return QuarkusTransaction.requiringNew().call(() -> outbox.failed(500).stream()
                .map(e -> new FailedDelivery(e.id, e.kind, e.invoiceId, e.endUserInvoiceId, e.attempts, e.lastError,
                        e.createdAt))
                .toList());
    }
}
