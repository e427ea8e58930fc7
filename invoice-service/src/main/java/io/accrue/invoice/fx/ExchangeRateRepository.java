package io.accrue.invoice.fx;

import java.time.LocalDate;
import java.util.List;
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
        return find("(?1 is null or base = ?1) and (?2 is null or quote = ?2) and rateDate >= ?3 and rateDate <= ?4"
                + " order by rateDate desc, base, quote", base, quote, from, to).page(0, limit).list();
    }
}
