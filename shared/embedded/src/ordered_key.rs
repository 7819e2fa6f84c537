//! Order-preserving byte encoding of composite string keys, so that one redb byte-keyed table can
//! answer every DynamoDB key condition with a single range scan.
//!
//! Each string becomes its UTF-8 bytes with `0x00` escaped as `0x00 0xFF`, then the terminator
//! `0x00 0x01`. Byte order of the encodings equals the order of the (component-wise, UTF-8 byte
//! ordered) tuples, which is how DynamoDB orders `S` keys; a shorter string sorts before any of
//! its extensions. The escaped form without terminator is a byte prefix of exactly the encodings
//! of the strings that start with it, which gives `begins_with`.

const ESCAPE: u8 = 0x00;
const ESCAPED_NUL: u8 = 0xFF;
const TERMINATOR: u8 = 0x01;

/// Appends `component` escaped, without terminator (a prefix of every extension).
pub fn push_escaped(out: &mut Vec<u8>, component: &str) {
    for byte in component.bytes() {
        if byte == ESCAPE {
            out.extend_from_slice(&[ESCAPE, ESCAPED_NUL]);
        } else {
            out.push(byte);
        }
    }
}

/// Appends one complete component.
pub fn push_component(out: &mut Vec<u8>, component: &str) {
    push_escaped(out, component);
    out.extend_from_slice(&[ESCAPE, TERMINATOR]);
}

/// The encoding of these components, in order.
pub fn encode(components: &[&str]) -> Vec<u8> {
    let mut out = Vec::with_capacity(components.iter().map(|c| c.len() + 2).sum());
    for component in components {
        push_component(&mut out, component);
    }
    out
}

/// The smallest byte string greater than every string that starts with `prefix`; `None` when no
/// such bound exists (the prefix is empty or all `0xFF`).
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tuple_order(a: &(String, String), b: &(String, String)) -> std::cmp::Ordering {
        a.0.as_bytes()
            .cmp(b.0.as_bytes())
            .then(a.1.as_bytes().cmp(b.1.as_bytes()))
    }

    proptest! {
        #[test]
        fn encoding_preserves_tuple_order(a in ("\\PC*", "\\PC*"), b in ("\\PC*", "\\PC*"),
                                          nul_a in any::<bool>()) {
            // Mix in NULs, the one byte the encoding must escape.
            let a = if nul_a { (format!("{}\0", a.0), a.1) } else { a };
            let encoded_a = encode(&[&a.0, &a.1]);
            let encoded_b = encode(&[&b.0, &b.1]);
            prop_assert_eq!(encoded_a.cmp(&encoded_b), tuple_order(&a, &b));
        }

        #[test]
        fn escaped_prefix_matches_exactly_begins_with(prefix in "[a\\x00b]{0,3}", value in "[a\\x00b]{0,4}",
                                                      rest in "[a\\x00b]{0,2}") {
            let mut escaped = Vec::new();
            push_escaped(&mut escaped, &prefix);
            let encoded = encode(&[&value, &rest]);
            let in_range = encoded >= escaped
                && prefix_end(&escaped).is_none_or(|end| encoded < end);
            prop_assert_eq!(in_range, value.starts_with(&prefix));
        }
    }

    #[test]
    fn prefix_end_carries_over_max_bytes() {
        assert_eq!(prefix_end(&[1, 2, 0xFF]), Some(vec![1, 3]));
        assert_eq!(prefix_end(&[0xFF, 0xFF]), None);
        assert_eq!(prefix_end(&[]), None);
    }
}
