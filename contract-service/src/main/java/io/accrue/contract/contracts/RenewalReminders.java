package io.accrue.contract.contracts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.contract.config.ContractConfig;

/**
 * {@code contract.renewal_upcoming}: an active contract whose end ({@code effectiveEnd}) is
 * {@code accrue.contracts.renewal-notice} or less away is announced once (the event id is derived from the contract,
 * and a renewal is a new contract, so once per term). Run with the expiry job; safe on every replica (a second
 * recording of the id is a no-op). A contract already renewed (its successor active) is no longer active and is not
 * reminded; one whose successor is only drafted says so ({@code renewalDrafted}).
 */
@ApplicationScoped
public class RenewalReminders {

    private final ContractRepository contracts;
    private final ContractEvents events;
    private final ContractConfig config;
    private final Clock clock;

    RenewalReminders(ContractRepository contracts, ContractEvents events, ContractConfig config, Clock clock) {
        this.contracts = contracts;
        this.events = events;
        this.config = config;
        this.clock = clock;
    }

    /** Records the reminders now due; returns how many were new. */
    @Transactional
    public int remindDue() {
        Instant now = clock.instant();
        Duration notice = config.renewalNotice();
        List<Contract> ending = contracts.list("status = ?1 and effectiveEnd > ?2 and effectiveEnd <= ?3",
                ContractStatus.ACTIVE, now, now.plus(notice));
        int recorded = 0;
        for (Contract c : ending) {
            boolean drafted = contracts.count("renewalOf", c.id) > 0;
            if (events.renewalUpcoming(c, drafted, notice, now)) {
                recorded++;
            }
        }
        return recorded;
    }
}
