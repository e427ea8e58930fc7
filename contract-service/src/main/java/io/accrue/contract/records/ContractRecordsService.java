package io.accrue.contract.records;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.common.paging.CursorPage;
import io.accrue.contract.contracts.ContractService;
import io.accrue.contract.contracts.ContractViews.ContractView;
import io.accrue.contract.drawdown.Drawdown;
import io.accrue.contract.drawdown.DrawdownRepository;
import io.accrue.contract.drawdown.DrawdownRequests.DrawdownView;
import io.accrue.contract.trueup.TrueUp;
import io.accrue.contract.trueup.TrueUpRepository;
import io.accrue.contract.trueup.TrueUpService.TrueUpView;

/** Pages of whole contract records: contract, versions, transitions, drawdown ledger and true-ups. */
@ApplicationScoped
public class ContractRecordsService {

    private final ContractService contracts;
    private final DrawdownRepository drawdowns;
    private final TrueUpRepository trueUps;

    ContractRecordsService(ContractService contracts, DrawdownRepository drawdowns, TrueUpRepository trueUps) {
        this.contracts = contracts;
        this.drawdowns = drawdowns;
        this.trueUps = trueUps;
    }

    public CursorPage<ContractRecord> page(String orgId, String cursor, Integer limit) {
        CursorPage<ContractView> page = contracts.list(orgId, cursor, limit);
        List<UUID> ids = page.items().stream().map(ContractView::id).toList();
        Map<UUID, List<Drawdown>> ledger = drawdowns.ofContracts(ids).stream()
                .collect(Collectors.groupingBy(d -> d.contractId));
        Map<UUID, List<TrueUp>> settled = trueUps.ofContracts(ids).stream()
                .collect(Collectors.groupingBy(t -> t.contractId));
        List<ContractRecord> records = page.items().stream().map(c -> new ContractRecord(c,
                ledger.getOrDefault(c.id(), List.of()).stream().map(DrawdownView::of).toList(),
                settled.getOrDefault(c.id(), List.of()).stream().map(TrueUpView::of).toList())).toList();
        return new CursorPage<>(records, page.nextCursor(), page.hasMore());
    }
}
