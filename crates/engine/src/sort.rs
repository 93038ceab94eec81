//! A stable sort shared by every element type and order: the sorting itself
//! runs once, on positions, through one compiled copy of the library sort, so
//! the many sorts outside the hot loops do not each carry their own copy (a
//! few kilobytes of the page's wasm each).
//!
//! A stable sort's result is fixed by the order alone (equal elements keep
//! their input order), so [`sort_by`] gives exactly what `slice::sort_by`
//! gives with the same comparison, element for element.
//! Where equal elements cannot be told apart (numbers, strings and tuples of
//! them under `Ord`), it also gives what `sort_unstable` gives.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`, as `v.sort_by(cmp)` does.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = positions(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(order, &mut |a, b| v.swap(a, b));
}

/// Sorts `v` stably by the key `f` gives, as `v.sort_by_key(f)` does.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut f: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// The positions `0..n` sorted stably by `cmp`.
fn positions(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Puts the element at `order[i]` at `i` for every `i`, by swaps along the
/// permutation's cycles.
fn permute(mut order: Vec<usize>, swap: &mut dyn FnMut(usize, usize)) {
    for i in 0..order.len() {
        let mut j = i;
        while order[j] != i {
            let k = order[j];
            swap(j, k);
            order[j] = j;
            j = k;
        }
        order[j] = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_the_library_stable_sort() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for n in [0, 1, 2, 3, 7, 20, 33, 100, 1000] {
            let v: Vec<(u32, u32)> = (0..n)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (((seed >> 33) % 13) as u32, i as u32)
                })
                .collect();
            let (mut a, mut b) = (v.clone(), v.clone());
            a.sort_by_key(|x| std::cmp::Reverse(x.0));
            sort_by(&mut b, |x, y| y.0.cmp(&x.0));
            assert_eq!(a, b);
            let (mut a, mut b) = (v.clone(), v);
            a.sort_by_key(|x| x.0);
            sort_by_key(&mut b, |x| x.0);
            assert_eq!(a, b);
        }
    }
}
