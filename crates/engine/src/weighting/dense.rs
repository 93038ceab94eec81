//! Dense kernels for the equal-risk-contribution solver: dot products,
//! matrix-vector products and a Cholesky factorisation, in `f64` or `f32`,
//! written so that they vectorise (independent accumulators, four rows
//! sharing their loads, updates with no horizontal sums). The order of every
//! sum is fixed by the code, so results are the same on every platform.

/// The arithmetic the dense kernels need, for `f64` and `f32` (the warm
/// solver factors its Newton matrix in single precision).
pub(super) trait Real:
    Copy
    + PartialOrd
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
    + std::ops::AddAssign
    + std::ops::SubAssign
    + std::ops::MulAssign
{
    const ZERO: Self;
    const ONE: Self;
    fn sqrt(self) -> Self;
    fn is_finite(self) -> bool;
}

impl Real for f64 {
    const ZERO: f64 = 0.0;
    const ONE: f64 = 1.0;
    fn sqrt(self) -> f64 {
        f64::sqrt(self)
    }
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
}

impl Real for f32 {
    const ZERO: f32 = 0.0;
    const ONE: f32 = 1.0;
    fn sqrt(self) -> f32 {
        f32::sqrt(self)
    }
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
}

/// `Σ x_i y_i` over four accumulators.
pub(super) fn dot4<T: Real>(x: &[T], y: &[T]) -> T {
    let mut acc = [T::ZERO; 4];
    let (x4, y4) = (x.chunks_exact(4), y.chunks_exact(4));
    let rest = x4.remainder().iter().zip(y4.remainder()).fold(T::ZERO, |s, (&a, &b)| s + a * b);
    for (a, b) in x4.zip(y4) {
        for lane in 0..4 {
            acc[lane] += a[lane] * b[lane];
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + rest
}

/// The symmetric `k x k` matrix (row-major) of the products of `k` series
/// of `len` values stored one after the other: entry `(i, j)` is the
/// [`dot4`] of series `i` and `j`.
pub(super) fn gram<T: Real>(series: &[T], k: usize, len: usize, out: &mut [T]) {
    let s = |i: usize| &series[i * len..(i + 1) * len];
    for i in 0..k {
        for j in 0..=i {
            let v = dot4(s(i), s(j));
            out[i * k + j] = v;
            out[j * k + i] = v;
        }
    }
}

/// `out = S x` for a `k x k` row-major `S`, each entry the [`dot4`] of its
/// row with `x` (to the bit), four rows at a time so that they share the
/// loads of `x`.
pub(super) fn matvec(s: &[f64], k: usize, x: &[f64], out: &mut [f64]) {
    let x = &x[..k];
    let split = k / 4 * 4;
    for (rows, o) in s[..split * k].chunks_exact(4 * k).zip(out.chunks_exact_mut(4)) {
        let (r0, rest) = rows.split_at(k);
        let (r1, rest) = rest.split_at(k);
        let (r2, r3) = rest.split_at(k);
        o.copy_from_slice(&dots4([r0, r1, r2, r3], x));
    }
    for i in split..k {
        out[i] = dot4(&s[i * k..(i + 1) * k], x);
    }
}

/// Rows in a panel of [`Cholesky::factor`].
const PANEL: usize = 16;

/// A Cholesky factor `A = UᵀU` of an `n x n` symmetric positive definite
/// matrix. `U` is stored by rows of `stride` entries, a multiple of four:
/// the columns past `n` are zero and the strict lower triangle is scratch,
/// so that every update of a row runs over whole blocks of four from a
/// block boundary, with no remainder loop.
#[derive(Debug, Default)]
pub(super) struct Cholesky<T> {
    n: usize,
    stride: usize,
    u: Vec<T>,
    inv_diag: Vec<T>,
}

impl<T: Real> Cholesky<T> {
    /// Makes room for an `n x n` matrix, to be written with [`Self::row_mut`].
    pub(super) fn reset(&mut self, n: usize) {
        self.n = n;
        self.stride = n.div_ceil(4) * 4;
        self.u.resize(n * self.stride, T::ZERO);
        self.inv_diag.resize(n, T::ZERO);
    }

    /// The length of the vectors [`Self::solve`] takes.
    pub(super) fn stride(&self) -> usize {
        self.stride
    }

    /// Row `i` of the matrix to factor: entries `i..n` must be written (the
    /// upper triangle) and `n..stride` must be zero.
    pub(super) fn row_mut(&mut self, i: usize) -> &mut [T] {
        &mut self.u[i * self.stride..(i + 1) * self.stride]
    }

    /// Factors the matrix in place; `None` when a pivot is not positive and
    /// finite (not positive definite at this precision).
    ///
    /// Right-looking by panels of [`PANEL`] rows: within a panel, each group
    /// of four rows is updated by the panel's rows above it, four at a time,
    /// and factored; then every row below the panel is updated by all its
    /// rows, eight at a time. Each update of a row is one pass over it (from
    /// the block boundary at or before its diagonal: the entries left of
    /// the diagonal get scratch), which vectorises with no horizontal sums,
    /// and the rows below a panel are read and written once per panel, not
    /// once per row of it.
    pub(super) fn factor(&mut self) -> Option<()> {
        let (n, p) = (self.n, self.stride);
        let (a, inv_diag) = (&mut self.u, &mut self.inv_diag);
        // Factors rows `s..s + m` among themselves (their updates from the
        // rows above already done).
        let mut rows = |a: &mut [T], s: usize, m: usize| -> Option<()> {
            for jj in s..s + m {
                let d = a[jj * p + jj];
                if !(d > T::ZERO && d.is_finite()) {
                    return None;
                }
                let u = d.sqrt();
                let inv = T::ONE / u;
                a[jj * p + jj] = u;
                inv_diag[jj] = inv;
                for v in &mut a[jj * p + jj + 1..(jj + 1) * p] {
                    *v *= inv;
                }
                for i in jj + 1..s + m {
                    let (top, bottom) = a.split_at_mut(i * p);
                    let src = &top[jj * p + i..(jj + 1) * p];
                    let f = src[0];
                    for (x, &v) in bottom[i..p].iter_mut().zip(src) {
                        *x -= f * v;
                    }
                }
            }
            Some(())
        };
        let mut j = 0;
        while j < n {
            let b = (n - j).min(PANEL);
            // The panel `j..j + b`, four rows at a time: each group updated by
            // the panel's rows above it, then factored.
            let mut q = j;
            while q < j + b {
                let m = (j + b - q).min(4);
                let (top, bottom) = a.split_at_mut(q * p);
                for src in (j..q).step_by(4) {
                    let r = |t: usize| &top[(src + t) * p..(src + t + 1) * p];
                    let r = [r(0), r(1), r(2), r(3)];
                    for (i, row) in (q..q + m).zip(bottom.chunks_exact_mut(p)) {
                        let c = i / 4 * 4;
                        update4(&mut row[c..], r.map(|x| &x[c..]), r.map(|x| x[i]));
                    }
                }
                rows(a, q, m)?;
                q += m;
            }
            // The rows below, with the panel's rows eight at a time.
            if j + b < n {
                let (top, bottom) = a.split_at_mut((j + b) * p);
                for (i, row) in (j + b..n).zip(bottom.chunks_exact_mut(p)) {
                    let c = i / 4 * 4;
                    for src in (j..j + b).step_by(8) {
                        let r = |t: usize| &top[(src + t) * p..(src + t + 1) * p];
                        let r = [r(0), r(1), r(2), r(3), r(4), r(5), r(6), r(7)];
                        update8(&mut row[c..], r.map(|x| &x[c..]), r.map(|x| x[i]));
                    }
                }
            }
            j += b;
        }
        Some(())
    }

    /// Solves `UᵀU x = b` for `b` of length [`Self::stride`] (zero past
    /// `n`); `x` replaces `b`. Both triangles are read by rows of `U`, a
    /// block of four at a time: the block's small triangle is solved in
    /// registers and the rest of the vector updated (or its products taken)
    /// with the four rows at once, so the dependent chain is one block
    /// long, not one row.
    pub(super) fn solve(&self, b: &mut [T]) {
        let (n, p, u, inv) = (self.n, self.stride, &self.u, &self.inv_diag);
        let b = &mut b[..p];
        // Uᵀz = b: z_j = b_j / U_jj, then b_c -= z_j U_jc for c > j.
        let mut j = 0;
        while j + 4 <= n {
            // The block's triangle, in registers.
            let r = |q: usize| &u[(j + q) * p..(j + q + 1) * p];
            let (r0, r1, r2) = (r(0), r(1), r(2));
            let z0 = b[j] * inv[j];
            let z1 = (b[j + 1] - z0 * r0[j + 1]) * inv[j + 1];
            let z2 = (b[j + 2] - z0 * r0[j + 2] - z1 * r1[j + 2]) * inv[j + 2];
            let z3 = (b[j + 3] - z0 * r0[j + 3] - z1 * r1[j + 3] - z2 * r2[j + 3]) * inv[j + 3];
            b[j..j + 4].copy_from_slice(&[z0, z1, z2, z3]);
            let row = |q: usize| &u[(j + q) * p + j + 4..(j + q + 1) * p];
            update4(&mut b[j + 4..], [row(0), row(1), row(2), row(3)], [z0, z1, z2, z3]);
            j += 4;
        }
        for q in j..n {
            let z = b[q] * inv[q];
            b[q] = z;
            for c in q + 1..n {
                b[c] -= z * u[q * p + c];
            }
        }
        // U x = z: x_i = (z_i - Σ_{c>i} U_ic x_c) / U_ii, by blocks from the last.
        let full = n / 4 * 4;
        for q in (full..n).rev() {
            let mut v = b[q];
            for c in q + 1..n {
                v -= u[q * p + c] * b[c];
            }
            b[q] = v * inv[q];
        }
        let mut j = full;
        while j > 0 {
            j -= 4;
            let row = |q: usize| &u[(j + q) * p + j + 4..(j + q + 1) * p];
            let s = dots4([row(0), row(1), row(2), row(3)], &b[j + 4..]);
            let r = |q: usize| &u[(j + q) * p..(j + q + 1) * p];
            let (r0, r1, r2) = (r(0), r(1), r(2));
            let x3 = (b[j + 3] - s[3]) * inv[j + 3];
            let x2 = (b[j + 2] - s[2] - r2[j + 3] * x3) * inv[j + 2];
            let x1 = (b[j + 1] - s[1] - r1[j + 2] * x2 - r1[j + 3] * x3) * inv[j + 1];
            let x0 = (b[j] - s[0] - r0[j + 1] * x1 - r0[j + 2] * x2 - r0[j + 3] * x3) * inv[j];
            b[j..j + 4].copy_from_slice(&[x0, x1, x2, x3]);
        }
    }
}

/// `x_c -= (f_0 r_0c + f_1 r_1c) + (f_2 r_2c + f_3 r_3c)` (each row at
/// least as long as `x`).
pub(super) fn update4<T: Real>(x: &mut [T], r: [&[T]; 4], f: [T; 4]) {
    let n = x.len();
    let (r0, r1, r2, r3) = (&r[0][..n], &r[1][..n], &r[2][..n], &r[3][..n]);
    for c in 0..n {
        x[c] -= (f[0] * r0[c] + f[1] * r1[c]) + (f[2] * r2[c] + f[3] * r3[c]);
    }
}

/// `x_c -= Σ_q f_q r_qc` over eight rows (each at least as long as `x`),
/// summed as two of [`update4`]'s pairs of pairs.
fn update8<T: Real>(x: &mut [T], r: [&[T]; 8], f: [T; 8]) {
    let n = x.len();
    let r = r.map(|r| &r[..n]);
    for c in 0..n {
        let lo = (f[0] * r[0][c] + f[1] * r[1][c]) + (f[2] * r[2][c] + f[3] * r[3][c]);
        let hi = (f[4] * r[4][c] + f[5] * r[5][c]) + (f[6] * r[6][c] + f[7] * r[7][c]);
        x[c] -= lo + hi;
    }
}

/// The [`dot4`] of each of four rows with `x` (each row at least as long as
/// `x`), sharing the loads of `x`.
pub(super) fn dots4<T: Real>(r: [&[T]; 4], x: &[T]) -> [T; 4] {
    let n = x.len();
    let (r0, r1, r2, r3) = (&r[0][..n], &r[1][..n], &r[2][..n], &r[3][..n]);
    let m = n / 4 * 4;
    let mut acc = [[T::ZERO; 4]; 4];
    for p in (0..m).step_by(4) {
        for l in 0..4 {
            let xv = x[p + l];
            acc[0][l] += r0[p + l] * xv;
            acc[1][l] += r1[p + l] * xv;
            acc[2][l] += r2[p + l] * xv;
            acc[3][l] += r3[p + l] * xv;
        }
    }
    let mut out = [T::ZERO; 4];
    for (o, (a, row)) in out.iter_mut().zip(acc.iter().zip([r0, r1, r2, r3])) {
        let rest = row[m..].iter().zip(&x[m..]).fold(T::ZERO, |s, (&p, &q)| s + p * q);
        *o = (a[0] + a[1]) + (a[2] + a[3]) + rest;
    }
    out
}
