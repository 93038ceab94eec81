//! Portable, seeded randomness and the few transcendental functions the
//! generator needs, written so that every platform produces the same bits.
//!
//! * [`SplitMix64`] expands a seed (and a stream number) into generator state;
//!   [`Xoshiro256`] (xoshiro256\*\*, Blackman & Vigna) is the workhorse.
//! * Only IEEE-754 operations that are *correctly rounded* everywhere are
//!   used: `+ - * /`, `sqrt`, comparisons, `floor`/`round` and bit casts.
//!   `f64::ln`/`exp`/`sin` come from the platform's libm and may differ in the
//!   last bit between targets, so [`ln`] and [`exp`] here are our own
//!   polynomial implementations built from those exact operations. Rust never
//!   fuses `a * b + c` into an FMA on its own, so the results are bit-identical
//!   natively and in wasm.
//! * [`Xoshiro256::student_t4`] uses Bailey's polar method, which for 4 degrees
//!   of freedom needs nothing but `sqrt`.

/// SplitMix64: a tiny generator used to seed [`Xoshiro256`] and to hash
/// `(seed, stream)` pairs into independent streams.
#[derive(Clone, Debug)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// xoshiro256\*\*: fast, 256 bits of state, passes BigCrush.
#[derive(Clone, Debug)]
pub struct Xoshiro256 {
    s: [u64; 4],
}

/// 1 / sqrt(2): rescales a Student-t with 4 degrees of freedom (variance 2)
/// to unit variance.
const INV_SQRT2: f64 = std::f64::consts::FRAC_1_SQRT_2;

impl Xoshiro256 {
    /// A generator for stream `stream` of `seed`. Different streams of the same
    /// seed are statistically independent for all practical purposes.
    pub fn new(seed: u64, stream: u64) -> Xoshiro256 {
        let mut sm = SplitMix64(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        // Mix twice so neighbouring streams start far apart.
        sm.0 = sm.next_u64() ^ stream;
        let s = [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()];
        Xoshiro256 { s }
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[lo, hi)`.
    #[inline]
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Three independent uniforms in `[0, 1)` with 21 bits each, from one draw.
    #[inline]
    pub fn uniform3(&mut self) -> [f64; 3] {
        let x = self.next_u64();
        let k = 1.0 / (1u64 << 21) as f64;
        let m = (1u64 << 21) - 1;
        [(x & m) as f64 * k, ((x >> 21) & m) as f64 * k, ((x >> 42) & m) as f64 * k]
    }

    /// Integer uniform in `0..n` (`n > 0`), by Lemire's multiply-shift (the
    /// tiny bias is irrelevant here and the result is deterministic).
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// A point uniform in the open unit disk: `(u, v, u² + v²)`, `u, v` on a
    /// grid of 2^32 values each (from one draw), never 0, so `w > 0`.
    #[inline]
    fn disk(&mut self) -> (f64, f64, f64) {
        const K: f64 = 1.0 / (1u64 << 31) as f64;
        loop {
            let x = self.next_u64();
            let u = ((x >> 32) as f64 + 0.5) * K - 1.0;
            let v = ((x & 0xffff_ffff) as f64 + 0.5) * K - 1.0;
            let w = u * u + v * v;
            if w < 1.0 {
                return (u, v, w);
            }
        }
    }

    /// Standard normal (Marsaglia's polar method; one of the pair is used so
    /// that the stream position does not depend on call history).
    pub fn normal(&mut self) -> f64 {
        let (u, _, w) = self.disk();
        u * (-2.0 * ln(w) / w).sqrt()
    }

    /// Student-t with 4 degrees of freedom, rescaled to unit variance.
    /// Bailey's polar method: `T = U * sqrt(ν (W^(-2/ν) - 1) / W)`; with ν = 4,
    /// `W^(-1/2)` is `1 / sqrt(W)`. Excess kurtosis is infinite (the fourth
    /// moment diverges), which gives crypto-like tails.
    #[inline]
    pub fn student_t4(&mut self) -> f64 {
        let (u, _, w) = self.disk();
        u * (4.0 * (1.0 / w.sqrt() - 1.0) / w).sqrt() * INV_SQRT2
    }
}

/// ln 2 split in a high part with trailing zero bits (so `k * LN2_HI` is exact) and the rest.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const LOG2_E: f64 = std::f64::consts::LOG2_E;

/// `2^k` for `-1022 <= k <= 1023`, exactly.
#[inline]
fn pow2(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// `2^(j/32)` for `j = 0..32`, correctly rounded (computed with 60-digit
/// decimal arithmetic and written as bit patterns, so no platform maths).
const EXP2_TABLE: [u64; 32] = [
    0x3ff0000000000000,
    0x3ff059b0d3158574,
    0x3ff0b5586cf9890f,
    0x3ff11301d0125b51,
    0x3ff172b83c7d517b,
    0x3ff1d4873168b9aa,
    0x3ff2387a6e756238,
    0x3ff29e9df51fdee1,
    0x3ff306fe0a31b715,
    0x3ff371a7373aa9cb,
    0x3ff3dea64c123422,
    0x3ff44e086061892d,
    0x3ff4bfdad5362a27,
    0x3ff5342b569d4f82,
    0x3ff5ab07dd485429,
    0x3ff6247eb03a5585,
    0x3ff6a09e667f3bcd,
    0x3ff71f75e8ec5f74,
    0x3ff7a11473eb0187,
    0x3ff82589994cce13,
    0x3ff8ace5422aa0db,
    0x3ff93737b0cdc5e5,
    0x3ff9c49182a3f090,
    0x3ffa5503b23e255d,
    0x3ffae89f995ad3ad,
    0x3ffb7f76f2fb5e47,
    0x3ffc199bdd85529c,
    0x3ffcb720dcef9069,
    0x3ffd5818dcfba487,
    0x3ffdfc97337b9b5f,
    0x3ffea4afa2a490da,
    0x3fff50765b6e4540,
];

/// Natural exponential, deterministic on every platform (relative error
/// below 3 ulp). Range reduction `x = (32m + j) ln2/32 + r` with
/// `|r| <= ln2/64`, then `2^m × 2^(j/32) × P(r)` where `2^(j/32)` comes from
/// a table of exact bit patterns and `P` is the degree-6 Taylor polynomial
/// of `e^r` (truncation error < 4e-18), evaluated in a fixed order.
#[inline]
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.78 {
        return f64::INFINITY;
    }
    if x < -745.2 {
        return 0.0;
    }
    // Round to nearest by truncating cast (a libm `round` call is slow on
    // baseline x86-64; the cast is exact and deterministic everywhere).
    // |k| < 2^16, so k × LN2_HI / 32 is exact (LN2_HI has 21 trailing zero bits).
    let y = x * (32.0 * LOG2_E);
    let k = (y + if y < 0.0 { -0.5 } else { 0.5 }) as i64;
    let kf = k as f64;
    let r = (x - kf * (LN2_HI / 32.0)) - kf * (LN2_LO / 32.0);
    let r2 = r * r;
    let p = (1.0 + r) + r2 * ((0.5 + r * (1.0 / 6.0)) + r2 * ((1.0 / 24.0 + r * (1.0 / 120.0)) + r2 * (1.0 / 720.0)));
    let v = f64::from_bits(EXP2_TABLE[(k & 31) as usize]) * p;
    let m = k >> 5; // floor division by 32
    if m > 1023 {
        v * pow2(1023) * pow2(m - 1023)
    } else if m < -1022 {
        // Exact step to a normal number, then one rounding into the subnormals.
        v * pow2(m + 1022) * pow2(-1022)
    } else {
        v * pow2(m)
    }
}

/// Natural logarithm, deterministic on every platform (relative error about
/// 1e-16). `x = m 2^e` with `m` in `[sqrt(1/2), sqrt(2))`, then
/// `ln m = 2 atanh((m - 1) / (m + 1))` by its odd series (`|f| < 0.172`,
/// 12 terms). Returns `NaN` for `x < 0` or `NaN`, `-inf` for 0.
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    let (mut x, mut e) = (x, 0i64);
    if x < f64::MIN_POSITIVE {
        x *= pow2(54);
        e -= 54;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let f = (m - 1.0) / (m + 1.0);
    let s = f * f;
    let mut p = 1.0 / 23.0;
    let mut d = 21.0;
    while d > 0.0 {
        p = p * s + 1.0 / d;
        d -= 2.0;
    }
    let e = e as f64;
    e * LN2_HI + (2.0 * f * p + e * LN2_LO)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn exp_and_ln_match_std_closely() {
        let mut r = Xoshiro256::new(7, 0);
        for _ in 0..200_000 {
            let x = r.range(-700.0, 700.0);
            assert!(rel(exp(x), x.exp()) < 6e-16, "exp({x})");
            let y = r.range(-30.0, 30.0);
            assert!(rel(exp(y), y.exp()) < 6e-16, "exp({y})");
            let z = exp(r.range(-740.0, 700.0));
            assert!((ln(z) - z.ln()).abs() <= 4e-16 * z.ln().abs().max(1.0), "ln({z})");
            let w = r.range(0.5, 2.0);
            assert!((ln(w) - w.ln()).abs() < 3e-16, "ln({w})");
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(exp(1000.0), f64::INFINITY);
        assert_eq!(exp(-1000.0), 0.0);
        assert!(ln(-1.0).is_nan());
        assert!(rel(exp(-744.0), (-744.0f64).exp()) < 1e-3); // subnormal range
        assert!(rel(ln(1e-310), (1e-310f64).ln()) < 1e-15);
    }

    #[test]
    fn generator_is_the_reference_xoshiro256starstar() {
        // Reference: state {1, 2, 3, 4} gives 11520, 0, 1509978240, 1215971899390074240.
        let mut r = Xoshiro256 { s: [1, 2, 3, 4] };
        let got: Vec<u64> = (0..4).map(|_| r.next_u64()).collect();
        assert_eq!(got, vec![11520, 0, 1_509_978_240, 1_215_971_899_390_074_240]);
        // SplitMix64 reference output for seed 1234567.
        let mut s = SplitMix64(1_234_567);
        assert_eq!(s.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(s.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn samplers_have_the_stated_moments() {
        let mut r = Xoshiro256::new(42, 1);
        let n = 400_000;
        let (mut s1, mut s2, mut big) = (0.0, 0.0, 0usize);
        for _ in 0..n {
            let x = r.student_t4();
            s1 += x;
            s2 += x * x;
            if x.abs() > 4.0 {
                big += 1;
            }
        }
        let mean = s1 / n as f64;
        let var = s2 / n as f64 - mean * mean;
        assert!(mean.abs() < 0.01, "t4 mean {mean}");
        assert!((var - 1.0).abs() < 0.06, "t4 variance {var}");
        // P(|t4| > 4 sqrt(2)) = 0.00467...; a normal would give 6e-5.
        let tail = big as f64 / n as f64;
        assert!((0.0035..0.006).contains(&tail), "t4 tail {tail}");

        let (mut s1, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let x = r.normal();
            s1 += x;
            s2 += x * x;
        }
        assert!((s1 / n as f64).abs() < 0.01);
        assert!((s2 / n as f64 - 1.0).abs() < 0.01);
        let u = r.uniform3();
        assert!(u.iter().all(|x| (0.0..1.0).contains(x)));
        assert!((0..1000).all(|_| r.below(7) < 7));
    }
}
