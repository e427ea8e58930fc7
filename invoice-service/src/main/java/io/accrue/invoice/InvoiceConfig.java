package io.accrue.invoice;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of invoice-service (prefix {@code accrue.invoice}). */
@ConfigMapping(prefix = "accrue.invoice")
public interface InvoiceConfig {

    /** Markup on provider cost for cost-plus LLM lines: revenue = cost × (1 + markup). 0.20 = 20 %. */
    @WithDefault("0.20")
    BigDecimal llmMarkup();

    /** How many closed periods back a run looks for late usage. */
    @WithDefault("3")
    int lateUsageLookback();

    /** Scheduled background jobs (run resume, outbox delivery); off in tests, which call them directly. */
    @WithDefault("true")
    boolean backgroundJobs();

    Runs runs();

    /** The billed-through ledger: which ended periods are billed, and how unbilled ones are retried. */
    Ledger ledger();

    interface Ledger {
        /**
         * The installation's go-live: periods that ended at or before it are not billed by Accrue (they were billed
         * elsewhere). Without it, every period since the account was created is.
         */
        Optional<java.time.Instant> billingSince();

        /** First retry delay of an unbilled period; doubles per failure, jittered, capped at {@link #retryMax()}. */
        @WithDefault("PT1M")
        Duration retryFirst();

        @WithDefault("PT1H")
        Duration retryMax();
    }

    /** Exchange rates for cost-plus lines of accounts billing in another currency than the usage cost. */
    Fx fx();

    interface Fx {
        /**
         * How many days before a period's rate day a recorded rate still counts (reference rates are not published
         * on weekends and holidays); an older one is missing, and the close fails with exchange_rate_missing.
         */
        @WithDefault("7")
        int maxRateAgeDays();
    }

    /** Who issues the invoices, as printed on the PDF. */
    Issuer issuer();

    interface Issuer {
        @WithDefault("Accrue")
        String name();

        Optional<String> address();

        Optional<String> taxId();
    }

    Stripe stripe();

    /** End-user invoices sent through Stripe Connect. */
    Connect connect();

    interface Connect {
        /** Payment terms of an end-user invoice sent through Connect, unless the request names its own. */
        @WithDefault("30")
        int daysUntilDue();
    }

    interface Runs {
        /** Start processing a run right after it is created (off in tests, which drive runs step by step). */
        @WithDefault("true")
        boolean autoStart();

        /** Attempts per account before an item is abandoned and needs an operator. */
        @WithDefault("8")
        int maxAttempts();

        /** First retry delay of a failed account; doubles per attempt, capped at one hour. */
        @WithDefault("PT1M")
        Duration retryDelay();
    }

    interface Stripe {
        /** Secret key; without one, finalised invoices are not pushed (the outbox keeps them). */
        Optional<String> apiKey();

        @WithDefault("https://api.stripe.com")
        String apiBase();

        /**
         * How long to wait for Stripe's answer. A timed-out write is retried later with the same idempotency key, so
         * Stripe answers what the first one did.
         */
        @WithDefault("PT80S")
        Duration readTimeout();

        /** Signing secret(s) of the invoice webhook endpoint, comma-separated during a rotation. */
        Optional<String> webhookSecret();
    }
}
