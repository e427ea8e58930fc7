package io.accrue.contract.records;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.accrue.contract.contracts.ContractViews.ContractView;
import io.accrue.contract.drawdown.DrawdownRequests.DrawdownView;
import io.accrue.contract.trueup.TrueUpService.TrueUpView;

/**
 * A contract with everything recorded against it: the unit of the billing export (full fidelity, not a
 * summary). The contract's own fields are inlined, so a record reads like a contract with two more lists.
 */
public record ContractRecord(@JsonUnwrapped ContractView contract, List<DrawdownView> drawdowns,
        List<TrueUpView> trueUps) {}
