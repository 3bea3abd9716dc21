//! ByType: a table and a function of the type byte, with fixed sizes,
//! length fields of every width, unknown types, rules that cannot be
//! followed (Fixed(0), a 9-byte length) and four frame limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::frame::{ByType, Rule};
use netwire_fuzz::framing::{self, Input};

/// Types 0x00..0x3f are fixed, 0x40..0x7f carry a length of 1 to 8 bytes,
/// 0xfe and 0xff ask for impossible rules, the rest are unknown.
fn rule(tag: u8) -> Option<Rule> {
    match tag {
        0x00..=0x3f => Some(Rule::Fixed(usize::from(tag) + 1)),
        0x40..=0x7f => Some(Rule::Prefixed(usize::from(tag & 7) + 1)),
        0xfe => Some(Rule::Fixed(0)),
        0xff => Some(Rule::Prefixed(9)),
        _ => None,
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Some(input) = Input::parse(bytes) else {
        return;
    };
    let s = input.setting;
    let max = framing::max_len(s >> 8, 300);
    let codec = if s & 1 == 0 {
        ByType::with(rule)
    } else {
        ByType::new()
            .fixed(1, 1)
            .fixed(2, 5)
            .prefixed(3, 1)
            .prefixed(4, 2)
            .prefixed(5, 8)
    }
    .with_limit(max);
    let outcome = framing::check(&codec, &input);
    framing::check_reencode(&codec, &input.data, &outcome);
});
