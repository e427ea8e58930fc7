package io.accrue.subscription.hooks;

import java.util.List;
import java.util.Set;

/** The event types an organisation can subscribe to (docs/webhooks.md lists what each carries). */
public final class EventTypes {

    public static final String TEST_PING = "test.ping";
    public static final String ALL = "*";

    public static final Set<String> KNOWN = Set.of("invoice.created", "invoice.finalized", "invoice.paid",
            "invoice.payment_failed", "credit_note.created", "subscription.created", "subscription.updated",
            "subscription.canceled", "usage.threshold_reached", "contract.created", "contract.updated",
            "contract.renewed", "contract.ended", "contract.renewal_upcoming", "billing_period.unbilled",
            "account.status_changed", TEST_PING);

    private EventTypes() {
    }

    /** True when an endpoint subscribed to {@code subscribed} receives {@code type}. */
    static boolean matches(List<String> subscribed, String type) {
        return subscribed.contains(ALL) || subscribed.contains(type);
    }
}
