package io.accrue.subscription;

import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Real PostgreSQL and a trusted token issuer for every test of this module. */
@QuarkusTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "subscription"))
@QuarkusTestResource(OidcKeysResource.class)
@QuarkusTestResource(StandInsResource.class)
public class TestResources {
}
