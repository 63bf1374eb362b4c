//! Comparing names as people read them: ignoring case, the way `str::to_lowercase` does,
//! without allocating for ASCII. Used to order listings and by the snapshot's label table.

use std::cmp::Ordering;

/// Compares as `a.to_lowercase().cmp(&b.to_lowercase())` does, without allocating when both
/// are ASCII (where lower-casing is byte by byte).
pub fn cmp_ignoring_case(a: &str, b: &str) -> Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    // First skip what both share byte for byte while it is ASCII, eight bytes at a time: names
    // often share long prefixes ("Cloud-native …"), and there lower-casing decides nothing.
    let mut same = 0;
    while let (Some(p), Some(q)) = (x.get(same..same + 8), y.get(same..same + 8)) {
        let p = u64::from_le_bytes(p.try_into().expect("eight bytes"));
        let q = u64::from_le_bytes(q.try_into().expect("eight bytes"));
        if p != q || p & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        same += 8;
    }
    for (&p, &q) in x[same..].iter().zip(&y[same..]) {
        if p >= 0x80 || q >= 0x80 {
            // Past the common ASCII prefix: lower-casing may change lengths and (final sigma)
            // depends on context, so compare what `to_lowercase` gives.
            return a.to_lowercase().cmp(&b.to_lowercase());
        }
        match p.to_ascii_lowercase().cmp(&q.to_ascii_lowercase()) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    // One is a prefix of the other (ignoring ASCII case); what follows in the longer one
    // decides, and if that is not ASCII its lower case may still compare differently.
    let rest = if x.len() > y.len() {
        &x[y.len()..]
    } else {
        &y[x.len()..]
    };
    if rest.is_ascii() {
        x.len().cmp(&y.len())
    } else {
        a.to_lowercase().cmp(&b.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::cmp_ignoring_case;

    proptest! {
        /// Long shared prefixes, so that the eight-byte skip runs into every kind of byte.
        #[test]
        fn names_with_long_shared_prefixes_compare_as_their_lowercase_strings(
            prefix in "[aAzZ -]{0,20}",
            a in "[aAzZ Σσςßİi1é]{0,12}",
            b in "[aAzZ Σσςßİi1é]{0,12}",
            upper in any::<bool>(),
        ) {
            let (a, b) = (format!("{prefix}{a}"), format!("{prefix}{b}"));
            let b = if upper { b.to_uppercase() } else { b };
            prop_assert_eq!(cmp_ignoring_case(&a, &b), a.to_lowercase().cmp(&b.to_lowercase()));
            prop_assert_eq!(cmp_ignoring_case(&b, &a), b.to_lowercase().cmp(&a.to_lowercase()));
        }
    }
}
