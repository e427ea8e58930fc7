package io.accrue.invoice;

import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Real PostgreSQL, a trusted token issuer and WireMock stand-ins of the neighbours and Stripe for every test. */
@QuarkusTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "invoice"))
@QuarkusTestResource(OidcKeysResource.class)
@QuarkusTestResource(StandInsResource.class)
public class TestResources {
}
