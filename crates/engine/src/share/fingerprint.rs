//! SHA-256 fingerprints: of a file's bytes, of a set of files, and of a
//! panel's canonical serialisation.

use crate::panel::Panel;
use sha2::{Digest, Sha256};

pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The SHA-256 of a file's raw bytes, in hexadecimal: what a link on
/// uploaded data records of each file, so the receiver's files are checked
/// before any parsing choice is applied.
pub fn file_sha256(bytes: &[u8]) -> String {
    sha256_hex(bytes)
}

/// One fingerprint for a set of files: the SHA-256 of their SHA-256s
/// ([`file_sha256`]) in sorted order, so the same files in any order or
/// under other names give the same value. Costs nothing next to hashing the
/// files; the loader computes it instead of the panel's [`fingerprint`].
pub fn files_fingerprint(hashes: &[String]) -> String {
    let mut sorted: Vec<&str> = hashes.iter().map(String::as_str).collect();
    crate::sort::sort_by(&mut sorted, Ord::cmp);
    let mut h = Sha256::new();
    h.update(b"indexlab-files-v1\0");
    for s in sorted {
        h.update(s.as_bytes());
        h.update(b"\n");
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Canonical bits of a value: every NaN becomes the quiet NaN `0x7ff8_0000_0000_0000`
/// and `-0.0` becomes `+0.0`; other values keep their exact bit pattern.
fn canonical_bits(v: f64) -> u64 {
    if v.is_nan() {
        0x7ff8_0000_0000_0000
    } else if v == 0.0 {
        0
    } else {
        v.to_bits()
    }
}

/// Buffers small writes into the hasher.
struct Feed {
    hasher: Sha256,
    buf: Vec<u8>,
}

impl Feed {
    fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= 64 * 1024 {
            self.hasher.update(&self.buf);
            self.buf.clear();
        }
    }
    fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.bytes(s.as_bytes());
    }
    /// A day-major field with each day's values in the order `order`.
    /// One field, day by day in `order`, read cell by cell (`value(t, a)`),
    /// so a compact panel is hashed without a day-major copy.
    fn field(&mut self, n_days: usize, value: impl Fn(usize, usize) -> f64, order: &[usize]) {
        for t in 0..n_days {
            for &a in order {
                self.u64(canonical_bits(value(t, a)));
            }
        }
    }
    fn finish(mut self) -> String {
        self.hasher.update(&self.buf);
        hex(&self.hasher.finalize())
    }
}

/// SHA-256 (64 lowercase hex digits) of a canonical serialisation of the panel.
///
/// **Asset order and extra-column order do not matter**: assets are hashed
/// sorted by id (byte order) and extras by name, so the same data loaded from
/// files with rows in another order has the same fingerprint. (Caveat: a
/// strategy that breaks exact ties by asset position could still differ.)
/// Dates are in their panel order (strictly increasing by construction).
///
/// The bytes hashed (all integers u64 little-endian, floats as the u64 LE of
/// their canonical bits: every NaN as `0x7ff8000000000000`, `-0.0` as `+0.0`):
///
/// ```text
/// "indexlab-panel-v1\0"
/// n_days, then each date as its day number (i64 widened to u64)
/// n_assets, then each asset id in id order (byte length, UTF-8 bytes)
/// prices:      day by day, each day's values in asset-id order
/// market caps: the same
/// volumes:     the same
/// n_extras, then for each extra in name order: name (byte length, UTF-8 bytes),
///     then its values day by day in asset-id order
/// ```
///
/// The values are those stored in the panel, i.e. after [`Panel::new`]'s
/// cleaning and gap carrying. Derived [`AssetInfo`](crate::panel::AssetInfo)
/// fields are not hashed (they follow from the prices).
pub fn fingerprint(panel: &Panel) -> String {
    let n_assets = panel.n_assets();
    let mut f = Feed { hasher: Sha256::new(), buf: Vec::with_capacity(64 * 1024 + 64) };
    f.bytes(b"indexlab-panel-v1\0");
    f.u64(panel.n_days() as u64);
    for d in panel.dates() {
        f.u64(i64::from(d.0) as u64);
    }
    let mut order: Vec<usize> = (0..n_assets).collect();
    crate::sort::sort_by(&mut order, |&a, &b| panel.assets()[a].id.as_bytes().cmp(panel.assets()[b].id.as_bytes()));
    f.u64(n_assets as u64);
    for &a in &order {
        f.str(&panel.assets()[a].id);
    }
    let n_days = panel.n_days();
    f.field(n_days, |t, a| panel.price(t, a), &order);
    f.field(n_days, |t, a| panel.market_cap(t, a), &order);
    f.field(n_days, |t, a| panel.volume(t, a), &order);
    let mut extras: Vec<(usize, &str)> = panel.extras().iter().enumerate().map(|(k, e)| (k, e.name.as_str())).collect();
    crate::sort::sort_by(&mut extras, |x, y| x.1.as_bytes().cmp(y.1.as_bytes()));
    f.u64(extras.len() as u64);
    for (k, name) in extras {
        f.str(name);
        f.field(n_days, |t, a| panel.extra_value(k, t, a), &order);
    }
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_bits_merge_nans_and_zeros() {
        assert_eq!(canonical_bits(f64::NAN), canonical_bits(-f64::NAN));
        assert_eq!(canonical_bits(f64::from_bits(0x7ff0_0000_0000_0001)), canonical_bits(f64::NAN));
        assert_eq!(canonical_bits(-0.0), canonical_bits(0.0));
        assert_ne!(canonical_bits(1.0), canonical_bits(f64::NAN));
    }

    #[test]
    fn hex_digits() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }

    #[test]
    fn files_fingerprint_ignores_order_and_names() {
        let (a, b) = (file_sha256(b"btc"), file_sha256(b"eth"));
        let f = files_fingerprint(&[a.clone(), b.clone()]);
        assert_eq!(f, files_fingerprint(&[b.clone(), a.clone()]));
        assert_eq!(f.len(), 64);
        assert_ne!(f, files_fingerprint(std::slice::from_ref(&a)));
        assert_ne!(f, files_fingerprint(&[a, file_sha256(b"eth ")]));
    }
}
