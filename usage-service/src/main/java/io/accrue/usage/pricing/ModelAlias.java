package io.accrue.usage.pricing;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One spelling of a model (lower case); the canonical id is an alias of itself. */
@Entity
@Table(name = "model_aliases")
public class ModelAlias {

    @Id
    public String alias;

    @Column(name = "model_id", nullable = false)
    public String modelId;
}
