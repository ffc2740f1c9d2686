package dev.llmworkbench.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.resilience.BudgetLedger.Granted;
import dev.llmworkbench.resilience.BudgetLedger.Refused;
import dev.llmworkbench.resilience.BudgetLedger.Reservation;
import dev.llmworkbench.resilience.BudgetLedger.ReserveResult;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BudgetLedgerTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** 23:50 in Berlin (UTC+1 in March): local midnight comes ten minutes later, UTC midnight an hour after. */
    private final FakeTime time = new FakeTime(Instant.parse("2025-03-10T22:50:00Z"), ZoneId.of("UTC"));
    private final BudgetLedger ledger = new BudgetLedger(time.clock(), BERLIN);

    private static BigDecimal usd(String s) {
        return new BigDecimal(s);
    }

    private Reservation granted(ReserveResult r) {
        assertThat(r).isInstanceOf(Granted.class);
        return ((Granted) r).reservation();
    }

    @Test
    void reserveSettleAndReleaseMoveMoneyBetweenReservedAndSpent() {
        ledger.setDailyBudget(Priority.NORMAL, usd("1.00"));
        Reservation a = granted(ledger.reserve(Priority.NORMAL, usd("0.30"), 1_000));
        Reservation b = granted(ledger.reserve(Priority.NORMAL, usd("0.20"), 500));
        assertThat(ledger.reservedToday(Priority.NORMAL)).isEqualByComparingTo("0.50");
        assertThat(ledger.remainingToday(Priority.NORMAL)).isEqualByComparingTo("0.50");

        BudgetLedger.Settlement s = a.settle(usd("0.12"), 800);
        assertThat(s.chargedUsd()).isEqualByComparingTo("0.12");
        assertThat(s.excessUsd()).isEqualByComparingTo("0");
        assertThat(ledger.spentToday(Priority.NORMAL)).isEqualByComparingTo("0.12");
        assertThat(ledger.reservedToday(Priority.NORMAL)).isEqualByComparingTo("0.20");
        assertThat(ledger.tokensThisHour()).isEqualTo(800);

        b.release();
        assertThat(ledger.reservedToday(Priority.NORMAL)).isEqualByComparingTo("0");
        assertThat(ledger.spentToday(Priority.NORMAL)).isEqualByComparingTo("0.12");
        assertThat(ledger.remainingToday(Priority.NORMAL)).isEqualByComparingTo("0.88");

        // idempotent: the first call wins
        a.settle(usd("0.30"), 1_000);
        a.release();
        b.settle(usd("0.20"), 500);
        b.release();
        assertThat(ledger.spentToday(Priority.NORMAL)).isEqualByComparingTo("0.12");
        assertThat(ledger.reservedToday(Priority.NORMAL)).isEqualByComparingTo("0");
        assertThat(ledger.tokensThisHour()).isEqualTo(800);
        assertThat(a.isOpen()).isFalse();
    }

    @Test
    void refusalSaysWhatWouldBeSpentAndWhatIsLeft() {
        ledger.setDailyBudget(Priority.BATCH, usd("1.00"));
        granted(ledger.reserve(Priority.BATCH, usd("0.50"), 0)).settle(usd("0.50"), 0);
        granted(ledger.reserve(Priority.BATCH, usd("0.30"), 0));
        ReserveResult r = ledger.reserve(Priority.BATCH, usd("0.25"), 0);
        assertThat(r).isInstanceOf(Refused.class);
        Refused no = (Refused) r;
        assertThat(no.limit()).isEqualTo(BudgetLedger.Limit.DAILY_PRIORITY_USD);
        assertThat(no.wouldSpend()).isEqualByComparingTo("0.25");
        assertThat(no.left()).isEqualByComparingTo("0.20");
        assertThat(no.message()).isEqualTo("Budget refused: this batch request could cost up to $0.25 but only "
                + "$0.20 is left of today's batch budget of $1.00 (spent $0.50, reserved $0.30)");
        // nothing was reserved by the refusal, and exactly what is left still fits
        assertThat(ledger.reservedToday(Priority.BATCH)).isEqualByComparingTo("0.30");
        granted(ledger.reserve(Priority.BATCH, usd("0.20"), 0));
        assertThat(ledger.remainingToday(Priority.BATCH)).isEqualByComparingTo("0");
    }

    @Test
    void budgetsArePerPriorityAndNullMeansUnlimited() {
        ledger.setDailyBudget(Priority.FILLER, usd("0"));
        assertThat(ledger.reserve(Priority.FILLER, usd("0.0001"), 1)).isInstanceOf(Refused.class);
        granted(ledger.reserve(Priority.FILLER, usd("0"), 1));
        granted(ledger.reserve(Priority.CRITICAL, usd("1000000"), 1));
        assertThat(ledger.remainingToday(Priority.CRITICAL)).isNull();
        ledger.setDailyBudget(Priority.FILLER, null);
        granted(ledger.reserve(Priority.FILLER, usd("5"), 1));
    }

    @Test
    void theTotalBudgetSpansPriorities() {
        ledger.setDailyTotalBudget(usd("1.00"));
        granted(ledger.reserve(Priority.CRITICAL, usd("0.60"), 0));
        ReserveResult r = ledger.reserve(Priority.FILLER, usd("0.50"), 0);
        assertThat(r).isInstanceOf(Refused.class);
        assertThat(((Refused) r).limit()).isEqualTo(BudgetLedger.Limit.DAILY_TOTAL_USD);
        assertThat(((Refused) r).message()).contains("$0.50").contains("$0.40 is left of today's total budget");
    }

    @Test
    void hourlyTokenBudgetRefusesAndRollsOverOnTheHour() {
        ledger.setHourlyTokenBudget(1_000L);
        granted(ledger.reserve(Priority.NORMAL, usd("0"), 900)).settle(usd("0"), 800);
        ReserveResult r = ledger.reserve(Priority.NORMAL, usd("0"), 300);
        assertThat(r).isInstanceOf(Refused.class);
        assertThat(((Refused) r).limit()).isEqualTo(BudgetLedger.Limit.HOURLY_TOKENS);
        assertThat(((Refused) r).message()).contains("up to 300 tokens but only 200 are left");

        time.advance(Duration.ofMinutes(9).plusSeconds(59)); // 23:59:59 local
        assertThat(ledger.reserve(Priority.NORMAL, usd("0"), 300)).isInstanceOf(Refused.class);
        time.advance(Duration.ofSeconds(1)); // 00:00 local
        assertThat(ledger.tokensThisHour()).isZero();
        granted(ledger.reserve(Priority.NORMAL, usd("0"), 1_000));
    }

    @Test
    void dailyBudgetRollsOverAtLocalMidnight() {
        ledger.setDailyBudget(Priority.NORMAL, usd("1.00"));
        granted(ledger.reserve(Priority.NORMAL, usd("0.90"), 0)).settle(usd("0.90"), 0);
        assertThat(ledger.reserve(Priority.NORMAL, usd("0.50"), 0)).isInstanceOf(Refused.class);
        time.advance(Duration.ofMinutes(9).plusSeconds(59));
        assertThat(ledger.reserve(Priority.NORMAL, usd("0.50"), 0)).isInstanceOf(Refused.class);
        time.advance(Duration.ofSeconds(1)); // midnight in Berlin, 23:00 UTC
        assertThat(ledger.spentToday(Priority.NORMAL)).isEqualByComparingTo("0");
        granted(ledger.reserve(Priority.NORMAL, usd("0.50"), 0));
        assertThat(ledger.snapshot().day()).isEqualTo(LocalDate.of(2025, 3, 11));
    }

    @Test
    void aReservationOpenAtMidnightStaysReservedAndIsChargedToTheNewDay() {
        ledger.setDailyBudget(Priority.NORMAL, usd("1.00"));
        Reservation open = granted(ledger.reserve(Priority.NORMAL, usd("0.70"), 0));
        time.advance(Duration.ofMinutes(15));
        assertThat(ledger.reservedToday(Priority.NORMAL)).isEqualByComparingTo("0.70");
        assertThat(ledger.reserve(Priority.NORMAL, usd("0.40"), 0)).isInstanceOf(Refused.class);
        open.settle(usd("0.10"), 0);
        assertThat(ledger.spentToday(Priority.NORMAL)).isEqualByComparingTo("0.10");
        assertThat(ledger.reservedToday(Priority.NORMAL)).isEqualByComparingTo("0");
    }

    @Test
    void settleChargesMoreThanReservedOnlyWhenTheCallerInsists() {
        ledger.setDailyBudget(Priority.NORMAL, usd("1.00"));
        BudgetLedger.Settlement capped = granted(ledger.reserve(Priority.NORMAL, usd("0.40"), 100))
                .settle(usd("0.45"), 120);
        assertThat(capped.chargedUsd()).isEqualByComparingTo("0.40");
        assertThat(capped.excessUsd()).isEqualByComparingTo("0.05");
        assertThat(capped.chargedTokens()).isEqualTo(100);
        assertThat(capped.excessTokens()).isEqualTo(20);
        assertThat(ledger.spentToday(Priority.NORMAL)).isEqualByComparingTo("0.40");

        BudgetLedger.Settlement insisted = granted(ledger.reserve(Priority.NORMAL, usd("0.60"), 100))
                .settle(usd("0.70"), 100, true);
        assertThat(insisted.chargedUsd()).isEqualByComparingTo("0.70");
        assertThat(ledger.spentToday(Priority.NORMAL)).isEqualByComparingTo("1.10");
        assertThat(ledger.remainingToday(Priority.NORMAL)).isEqualByComparingTo("0");
        assertThat(ledger.reserve(Priority.NORMAL, usd("0"), 0)).isInstanceOf(Refused.class);
    }

    @Test
    void snapshotRestoresTodaysSpendOnly() {
        granted(ledger.reserve(Priority.NORMAL, usd("0.25"), 10)).settle(usd("0.25"), 10);
        granted(ledger.reserve(Priority.BATCH, usd("0.05"), 5)).settle(usd("0.05"), 5);
        BudgetLedger.Snapshot snap = ledger.snapshot();

        BudgetLedger restarted = new BudgetLedger(time.clock(), BERLIN);
        assertThat(restarted.restore(snap)).isTrue();
        assertThat(restarted.spentToday(Priority.NORMAL)).isEqualByComparingTo("0.25");
        assertThat(restarted.spentToday(Priority.BATCH)).isEqualByComparingTo("0.05");
        assertThat(restarted.tokensThisHour()).isEqualTo(15);

        time.advance(Duration.ofHours(1)); // the next local day
        BudgetLedger tomorrow = new BudgetLedger(time.clock(), BERLIN);
        assertThat(tomorrow.restore(snap)).isFalse();
        assertThat(tomorrow.spentToday(Priority.NORMAL)).isEqualByComparingTo("0");
        assertThat(tomorrow.tokensThisHour()).isZero();
    }

    @Test
    void sixtyFourThreadsNeverExceedTheBudget() throws Exception {
        // NORMAL and BATCH are bound by their own budgets, CRITICAL (no USD budget) by the hourly tokens
        BigDecimal normal = usd("3.00");
        BigDecimal batch = usd("4.00");
        BigDecimal total = usd("50.00");
        long tokenBudget = 400_000;
        ledger.setDailyBudget(Priority.NORMAL, normal);
        ledger.setDailyBudget(Priority.BATCH, batch);
        ledger.setDailyTotalBudget(total);
        ledger.setHourlyTokenBudget(tokenBudget);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicLong granted = new AtomicLong();
        AtomicLong checks = new AtomicLong();
        java.util.Map<BudgetLedger.Limit, AtomicLong> refused = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicReference<BigDecimal> charged = new AtomicReference<>(BigDecimal.ZERO);

        ExecutorService watcher = Executors.newSingleThreadExecutor();
        Future<?> watching = watcher.submit(() -> {
            while (running.get()) {
                BudgetLedger.Status n = ledger.status(Priority.NORMAL);
                BudgetLedger.Status b = ledger.status(Priority.BATCH);
                BudgetLedger.TokenStatus t = ledger.tokenStatus();
                if (n.spent().add(n.reserved()).compareTo(normal) > 0) {
                    violation.compareAndSet(null, "normal: spent " + n.spent() + " + reserved " + n.reserved());
                }
                if (b.spent().add(b.reserved()).compareTo(batch) > 0) {
                    violation.compareAndSet(null, "batch: spent " + b.spent() + " + reserved " + b.reserved());
                }
                if (t.spent() + t.reserved() > tokenBudget) {
                    violation.compareAndSet(null, "tokens: spent " + t.spent() + " + reserved " + t.reserved());
                }
                checks.incrementAndGet();
            }
        });
        try {
            TokenBucketTest.runConcurrently(64, () -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int i = 0; i < 1_500; i++) {
                    int which = r.nextInt(3);
                    Priority p = which == 0 ? Priority.NORMAL : which == 1 ? Priority.BATCH : Priority.CRITICAL;
                    BigDecimal worst = BigDecimal.valueOf(1 + r.nextInt(20_000), 5); // $0.00001 .. $0.20
                    long tokens = p == Priority.CRITICAL ? 1 + r.nextInt(8_000) : 1 + r.nextInt(100);
                    ReserveResult res = ledger.reserve(p, worst, tokens);
                    if (res instanceof Granted g) {
                        granted.incrementAndGet();
                        if (r.nextInt(10) == 0) {
                            BigDecimal actual = worst.multiply(BigDecimal.valueOf(r.nextInt(101), 2));
                            BudgetLedger.Settlement s = g.reservation().settle(actual, r.nextLong(tokens + 1));
                            charged.accumulateAndGet(s.chargedUsd(), BigDecimal::add);
                        } else {
                            g.reservation().release();
                        }
                    } else {
                        refused.computeIfAbsent(((Refused) res).limit(), k -> new AtomicLong()).incrementAndGet();
                    }
                }
            });
        } finally {
            running.set(false);
            watching.get();
            watcher.shutdownNow();
        }
        assertThat(violation.get()).isNull();
        assertThat(checks.get()).isPositive();
        assertThat(granted.get()).isPositive();
        // each budget was actually contended
        assertThat(refused).containsKeys(BudgetLedger.Limit.DAILY_PRIORITY_USD, BudgetLedger.Limit.HOURLY_TOKENS);
        BigDecimal spent = ledger.spentTodayTotal();
        assertThat(spent).isEqualByComparingTo(charged.get());
        assertThat(ledger.spentToday(Priority.NORMAL)).isLessThanOrEqualTo(normal);
        assertThat(ledger.spentToday(Priority.BATCH)).isLessThanOrEqualTo(batch);
        assertThat(ledger.tokensThisHour()).isLessThanOrEqualTo(tokenBudget);
        assertThat(ledger.reservedTodayTotal()).isEqualByComparingTo("0");
        assertThat(ledger.tokensReserved()).isZero();
    }

    @Test
    void sixtyFourThreadsNeverExceedTheTotalBudget() throws Exception {
        BigDecimal total = usd("2.00");
        ledger.setDailyTotalBudget(total);
        AtomicReference<String> violation = new AtomicReference<>();
        TokenBucketTest.runConcurrently(64, () -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (int i = 0; i < 500; i++) {
                Priority p = Priority.values()[r.nextInt(4)];
                BigDecimal worst = BigDecimal.valueOf(1 + r.nextInt(10_000), 5);
                if (ledger.reserve(p, worst, 1) instanceof Granted g) {
                    BigDecimal used = ledger.spentTodayTotal().add(ledger.reservedTodayTotal());
                    if (r.nextInt(4) == 0) {
                        g.reservation().settle(worst, 1);
                    } else {
                        g.reservation().release();
                    }
                    if (used.compareTo(total) > 0) {
                        violation.compareAndSet(null, "spent + reserved " + used);
                    }
                }
            }
        });
        assertThat(violation.get()).isNull();
        assertThat(ledger.spentTodayTotal()).isLessThanOrEqualTo(total).isGreaterThan(usd("1.90"));
    }
}
