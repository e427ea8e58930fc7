package io.accrue.e2e.model;

import java.math.BigDecimal;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * One generated billing history of one organisation, as data: what the organisation buys and what it does,
 * period by period. Times are relative (per mille of a period), so a history replays at any "now": the runner
 * maps them onto the suite's clock, which only moves forward. {@link #toString()} is the history's JSON, so a
 * failing (shrunk) sample prints as a file that {@code ModelRegressionsTest} replays.
 *
 * @param currency the account's currency (its minor unit decides every rounding)
 * @param plans the organisation's own plans; the first is subscribed at once ("now"), the others are targets of
 *        plan changes
 * @param contract an enterprise contract covering the whole history, or null
 * @param periods the billing periods the history lives through, each closed by a billing run at its end
 * @param switchTo the currency a {@code currency_switch} step switches the account to (Subscriptions rule 7), or null
 * @param switchPrices the base price of each plan in {@code switchTo} (the plans are priced in both currencies;
 *        the tiers' unit amounts are read in whichever currency the account bills in, Currencies rule 1)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record History(String currency, List<PlanSpec> plans, ContractSpec contract, List<PeriodScript> periods,
        String switchTo, List<BigDecimal> switchPrices) {

    /** A history that never switches currency. */
    public History(String currency, List<PlanSpec> plans, ContractSpec contract, List<PeriodScript> periods) {
        this(currency, plans, contract, periods, null, null);
    }

    /**
     * {@code flat}, {@code tiered} (allowance, package size, graduated tiers on llm_tokens; {@code meters}: the
     * overage of other meters, null for none) or {@code pay_per_token}.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record PlanSpec(String kind, BigDecimal basePrice, long allowance, long packageSize, List<Tier> tiers,
            List<MeterSpec> meters) {

        public PlanSpec(String kind, BigDecimal basePrice, long allowance, long packageSize, List<Tier> tiers) {
            this(kind, basePrice, allowance, packageSize, tiers, null);
        }

        public List<MeterSpec> metersOrNone() {
            return meters == null ? List.of() : meters;
        }
    }

    /**
     * The overage of {@code agent_sessions} or {@code tool_calls} (I4): {@code allowance} included, then
     * {@code unitAmount} per package of {@code packageSize} (one unbounded tier).
     */
    public record MeterSpec(String meter, long allowance, long packageSize, BigDecimal unitAmount) {}

    /** A graduated tier: {@code upTo} counts overage units (null for the last, unbounded tier). */
    public record Tier(Long upTo, BigDecimal unitAmount) {}

    /**
     * Contract terms: at most one negotiated rate (on the {@code llm_tokens} meter or on a model), a monthly
     * commitment (0 for none), prepaid credits granted once for the whole term, and minimum spends (null or empty
     * for none; at most one per period).
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ContractSpec(String rateMeter, String rateModel, String rateKind, BigDecimal rateValue,
            BigDecimal monthlyCommitment, BigDecimal prepaidCredits, List<Minimum> minimums) {

        public ContractSpec(String rateMeter, String rateModel, String rateKind, BigDecimal rateValue,
                BigDecimal monthlyCommitment, BigDecimal prepaidCredits) {
            this(rateMeter, rateModel, rateKind, rateValue, monthlyCommitment, prepaidCredits, null);
        }

        /** The minimums, never null. */
        public List<Minimum> minimumsOrNone() {
            return minimums == null ? List.of() : minimums;
        }
    }

    /**
     * A contract minimum spend (billing-rules Invoices 8a): {@code amount} per {@code period} window ({@code monthly}
     * or {@code quarterly}), the windows stepping from the contract's term start.
     */
    public record Minimum(String period, BigDecimal amount) {}

    /**
     * What happens during one period, in order of {@link Step#at()}. {@code rerunClose}: the close runs twice.
     * {@code contractServiceDown}: contract-service stops right after this period's close and is down during the
     * next close (which fails and is run again once it is back): a neighbour outage between closes, while the
     * drawdown of this period's invoice is still in invoice-service's outbox. {@code crashMidRun}: invoice-service
     * is killed (SIGKILL) while the billing run of this period's close is working, restarted, and the close is
     * finished by the next run: still one invoice per period, equal to the model. {@code priceLate}: this period's
     * unpriced usage (Rating 10b) is priced only after the next period has ended, so its close fails across a
     * rollover and the next close finds two ended periods unbilled (issue 13 point 1: both are invoiced, in order).
     */
    public record PeriodScript(List<Step> steps, boolean rerunClose, boolean contractServiceDown,
            boolean crashMidRun, boolean priceLate) {

        public PeriodScript(List<Step> steps, boolean rerunClose, boolean contractServiceDown) {
            this(steps, rerunClose, contractServiceDown, false, false);
        }

        public PeriodScript(List<Step> steps, boolean rerunClose, boolean contractServiceDown,
                boolean crashMidRun) {
            this(steps, rerunClose, contractServiceDown, crashMidRun, false);
        }
    }

    /**
     * One action at {@code at} per mille of the period (of what is left of it in the first period).
     * <ul>
     * <li>{@code usage}: post {@code events} in one batch (an event listed twice is a replay inside the batch);</li>
     * <li>{@code replay}: post again every event this history posted so far;</li>
     * <li>{@code late}: post {@code events} dated in the previous period, after its close;</li>
     * <li>{@code plan_change}: move to {@code plan} (an index of {@link History#plans()}) with {@code timing};</li>
     * <li>{@code cancel}: cancel with {@code timing} (one that is not reactivated only in the last period);</li>
     * <li>{@code reactivate}: revoke the scheduled cancellation, or restart the plan canceled now (S6);</li>
     * <li>{@code credit_note}: credit the previous period's invoice (I12): {@code timing} {@code invoice} (every line
     * with something left), {@code line} (one line whole) or {@code part} (half of one line, rounded down), the line
     * chosen by {@code plan} among those with something left; with nothing left, a credit of one minor unit that
     * must be refused {@code credit_note_invalid}.</li>
     * <li>{@code currency_switch}: switch to {@link History#switchTo()} from the next period (S7), after paying the
     * invoices still open (a switch is refused {@code open_invoice} while one is).</li>
     * </ul>
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(String kind, int at, List<Event> events, Integer plan, String timing) {}

    /**
     * A usage event: {@code id} is unique within the history; tokens as an AI gateway reports them; {@code session}
     * an agent session id (null for none, U10a) and {@code toolCalls} its tool calls.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(String id, String model, long inputTokens, long cachedTokens, long outputTokens,
            String session, int toolCalls) {

        public Event(String id, String model, long inputTokens, long cachedTokens, long outputTokens) {
            this(id, model, inputTokens, cachedTokens, outputTokens, null, 0);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static History fromJson(String json) {
        try {
            return JSON.readValue(json, History.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a history: " + e.getMessage(), e);
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return toJson();
    }
}
