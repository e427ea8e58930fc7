package io.accrue.invoice.fx;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ExchangeRateRepository implements PanacheRepositoryBase<ExchangeRate, UUID> {

    /** Every rate between any two of {@code currencies} dated in {@code [from, to]}: what {@link RateRule} needs. */
    public List<DatedRate> among(List<String> currencies, LocalDate from, LocalDate to) {
        return list("base in ?1 and quote in ?1 and rateDate >= ?2 and rateDate <= ?3", currencies, from, to).stream()
                .map(ExchangeRate::dated).toList();
    }

    public List<ExchangeRate> page(String base, String quote, LocalDate from, LocalDate to, int limit) {
        Map<String, Object> params = new HashMap<>(Map.of("from", from, "to", to));
        StringBuilder where = new StringBuilder("rateDate >= :from and rateDate <= :to");
        if (base != null) {
            where.append(" and base = :base");
            params.put("base", base);
        }
        if (quote != null) {
            where.append(" and quote = :quote");
            params.put("quote", quote);
        }
        return find(where + " order by rateDate desc, base, quote", params).page(0, limit).list();
    }
}
