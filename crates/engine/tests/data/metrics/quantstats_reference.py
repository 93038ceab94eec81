#!/usr/bin/env python3
"""How the QuantStats reference numbers in crates/engine/tests/metrics_quantstats.rs were produced.

The Rust tests do not need Python: they read `equity.csv` (written by this
script) and compare with the numbers printed below, which were pasted into the
test as constants.

Reproduce (versions used: quantstats 0.0.86, pandas 3.1.1, numpy 2.4.6):

    python3 -m venv /tmp/qs && /tmp/qs/bin/pip install quantstats pandas numpy
    /tmp/qs/bin/python crates/engine/tests/data/metrics/quantstats_reference.py

1. A deterministic equity curve (and a correlated benchmark) of every calendar
   day from 2021-01-01 to 2023-06-30 (911 observations) is generated from a
   seeded numpy generator: Student-t daily returns with a crash in spring 2022,
   so there are real drawdowns and fat tails. It is written to `equity.csv`
   with `repr()` floats, so Rust reads exactly the same doubles.
2. The CSV is read back and the daily simple returns are taken with
   `pct_change().dropna()` (910 returns), exactly r_t = E_t / E_{t-1} - 1.
3. QuantStats is called on those *returns* with `periods=365`. What is compared:
   * CAGR: `qs.stats.cagr(rets, periods=365)`. QuantStats 0.0.86 uses
     `years = returns.count() / periods`; fed with the 910 returns that is
     (T-1)/365, our convention. (Fed with the 911 *prices* it would use T/365.)
   * volatility, sharpe, sortino (rf = 0 and rf = 2%, periods=365), calmar,
     max_drawdown (on the returns and on the prices; both agree), skew,
     kurtosis, best/worst day, best/worst month (`aggregate="ME"`), best/worst
     year (`aggregate="YE"`), win_rate by month (= our share of positive months
     because no month is exactly 0), monthly_returns table, cvar with
     `method="historical"`, information_ratio (QuantStats does not annualise it:
     we compare ours with QuantStats' x sqrt(365)), greeks (beta, alpha with
     periods=365), rolling_volatility / rolling_sharpe (window 30).
   * Historical VaR: QuantStats' `var()` is parametric (normal), so the
     historical VaR is compared with `numpy.percentile(rets, 5)` (linear
     interpolation), the quantile QuantStats' historical CVaR uses.
   * Tracking error `(r - b).std() * sqrt(365)` and correlation `r.corr(b)`
     come from pandas (QuantStats has no direct function).
   * Drawdown dates (peak, trough, recovery) come from pandas (cummax).
"""

import math
import os

import numpy as np
import pandas as pd
import quantstats as qs

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, "equity.csv")
P = 365


def generate():
    rng = np.random.default_rng(20260101)
    dates = pd.date_range("2021-01-01", "2023-06-30", freq="D")
    n = len(dates) - 1
    market = 0.0006 + 0.025 * rng.standard_t(4, n) / math.sqrt(2.0)
    # A crash: 60 days of drift -0.8%/day in spring 2022.
    crash = slice(440, 500)
    market[crash] -= 0.008
    strat = 0.0002 + 1.2 * market + 0.01 * rng.standard_normal(n)
    strat = np.maximum(strat, -0.5)
    market = np.maximum(market, -0.5)
    eq = 100.0 * np.concatenate([[1.0], np.cumprod(1.0 + strat)])
    bm = 100.0 * np.concatenate([[1.0], np.cumprod(1.0 + market)])
    with open(CSV, "w") as f:
        f.write("date,equity,benchmark\n")
        for d, e, b in zip(dates, eq, bm):
            f.write(f"{d.date().isoformat()},{float(e)!r},{float(b)!r}\n")


def main():
    if not os.path.exists(CSV):
        generate()
    df = pd.read_csv(CSV, parse_dates=["date"], index_col="date")
    prices = df["equity"]
    rets = prices.pct_change().dropna()
    brets = df["benchmark"].pct_change().dropna()

    mdd_prices = qs.stats.max_drawdown(prices)
    mdd_rets = qs.stats.max_drawdown(rets)
    assert abs(mdd_prices - mdd_rets) < 1e-14, (mdd_prices, mdd_rets)

    out = {
        "CAGR": qs.stats.cagr(rets, periods=P),
        "VOLATILITY": qs.stats.volatility(rets, periods=P),
        "SHARPE": qs.stats.sharpe(rets, periods=P),
        "SHARPE_RF2": qs.stats.sharpe(rets, rf=0.02, periods=P),
        "SORTINO": qs.stats.sortino(rets, periods=P),
        "SORTINO_RF2": qs.stats.sortino(rets, rf=0.02, periods=P),
        "MAX_DRAWDOWN": mdd_prices,
        "CALMAR": qs.stats.calmar(rets, periods=P),
        "VAR_HIST": float(np.percentile(rets.to_numpy(), 5)),
        "CVAR_HIST": qs.stats.cvar(rets, confidence=0.95, method="historical"),
        "SKEW": qs.stats.skew(rets),
        "KURTOSIS": qs.stats.kurtosis(rets),
        "BEST_DAY": qs.stats.best(rets),
        "WORST_DAY": qs.stats.worst(rets),
        "BEST_MONTH": qs.stats.best(rets, aggregate="ME"),
        "WORST_MONTH": qs.stats.worst(rets, aggregate="ME"),
        "BEST_YEAR": qs.stats.best(rets, aggregate="YE"),
        "WORST_YEAR": qs.stats.worst(rets, aggregate="YE"),
        "POSITIVE_MONTHS": qs.stats.win_rate(rets, aggregate="ME"),
        "INFORMATION_RATIO": qs.stats.information_ratio(rets, brets) * math.sqrt(P),
        "TRACKING_ERROR": (rets - brets).std() * math.sqrt(P),
        "BETA": qs.stats.greeks(rets, brets, periods=P)["beta"],
        "ALPHA": qs.stats.greeks(rets, brets, periods=P)["alpha"],
        "CORRELATION": rets.corr(brets),
    }
    for k, v in out.items():
        print(f"const {k}: f64 = {float(v)!r};")

    # Drawdown dates from pandas.
    peak = prices.cummax()
    dd = prices / peak - 1.0
    trough = dd.idxmin()
    peak_date = prices.loc[:trough][prices.loc[:trough] == peak.loc[trough]].index[-1]
    after = prices.loc[trough:]
    rec = after[after >= peak.loc[trough]]
    print(f"// max drawdown peak {peak_date.date()}, trough {trough.date()}, "
          f"recovery {rec.index[0].date() if len(rec) else None}")

    # Monthly returns (QuantStats table, row-major, only months with data).
    mr = qs.stats.monthly_returns(rets, eoy=True)
    months = []
    for year, row in mr.iterrows():
        for m, col in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]):
            if pd.Timestamp(int(year), m + 1, 1) <= rets.index[-1]:
                months.append((int(year), m + 1, float(row[col])))
    print("const MONTHLY: &[(i32, u32, f64)] = &[")
    for y, m, v in months:
        print(f"    ({y}, {m}, {v!r}),")
    print("];")
    print("const YEARLY: &[(i32, f64)] = &[")
    for year, row in mr.iterrows():
        print(f"    ({int(year)}, {float(row['EOY'])!r}),")
    print("];")

    # Rolling (window 30): a few points (index into the returns).
    rv = qs.stats.rolling_volatility(rets, rolling_period=30, periods_per_year=P)
    rs = qs.stats.rolling_sharpe(rets, rolling_period=30, periods_per_year=P)
    print("const ROLLING_30: &[(usize, f64, f64)] = &[")
    for i in [29, 30, 100, 450, 480, 909]:
        print(f"    ({i}, {float(rv.iloc[i])!r}, {float(rs.iloc[i])!r}),")
    print("];")


if __name__ == "__main__":
    main()
