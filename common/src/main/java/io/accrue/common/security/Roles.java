package io.accrue.common.security;

/** The roles of design.md, as they appear in tokens. */
public final class Roles {
    /** Everything, across organisations: pricing catalog, plan catalog, {@code metered_enabled}. */
    public static final String PLATFORM_OPERATOR = "platform-operator";
    /** Everything for its own organisation. */
    public static final String OWNER = "owner";
    /** Manage subscription, payment methods, contacts, rate plans, end users, contracts; read invoices. */
    public static final String BILLING_ADMIN = "billing-admin";
    /** Read status, usage summaries and invoices of its own organisation. */
    public static final String MEMBER = "member";
    /** Machine client of a gateway: post usage, check and reserve quota, in its credential's environment. */
    public static final String USAGE_REPORTER = "usage-reporter";
    /** Service-to-service calls inside the suite. */
    public static final String BILLING_SERVICE = "billing-service";

    private Roles() {
    }
}
