package io.accrue.contract;

import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Real PostgreSQL, a trusted token issuer and a subscription-service stand-in for every test of this module. */
@QuarkusTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "contract"))
@QuarkusTestResource(OidcKeysResource.class)
@QuarkusTestResource(SubscriptionStandIn.class)
public class TestResources {
}
