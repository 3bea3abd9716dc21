//! Names and text for the generated code: serde names are untrusted text
//! (a `#[serde(rename)]` can hold any string), so every identifier goes
//! through a [`Scope`], which makes it valid and unique, and every piece of
//! text through the escaping function of its target (a Python or Lua
//! string, a C or Lua comment).

use std::collections::BTreeSet;

use super::trace::Fields;

/// How a target spells identifiers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    /// Words the target reserves.
    pub(crate) keywords: &'static [&'static str],
    /// Whether two names differing only in case collide (a C macro is the
    /// name in upper case; a Wireshark field is in lower case).
    pub(crate) fold_case: bool,
    /// Whether the identifier is lower case (Wireshark fields).
    pub(crate) lower: bool,
}

pub(crate) const PYTHON: Rules = Rules {
    keywords: &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ],
    fold_case: false,
    lower: false,
};

pub(crate) const C: Rules = Rules {
    keywords: &[
        "auto",
        "break",
        "case",
        "char",
        "const",
        "continue",
        "default",
        "do",
        "double",
        "else",
        "enum",
        "extern",
        "float",
        "for",
        "goto",
        "if",
        "inline",
        "int",
        "long",
        "register",
        "restrict",
        "return",
        "short",
        "signed",
        "sizeof",
        "static",
        "struct",
        "switch",
        "typedef",
        "union",
        "unsigned",
        "void",
        "volatile",
        "while",
        "bool",
        "true",
        "false",
        "_Bool",
        "_Complex",
        "_Imaginary",
        "NULL",
        "asm",
        "typeof",
    ],
    fold_case: true,
    lower: false,
};

pub(crate) const WIRESHARK: Rules = Rules {
    keywords: &[],
    fold_case: true,
    lower: true,
};

/// An identifier for `name` in ASCII letters, digits and `_`: other ASCII
/// characters become `_`, other characters `u` and their code point in
/// hex; an empty name, a leading digit or a leading `__` get a prefix; a
/// keyword gets a `_` after it.
pub(crate) fn ident(name: &str, rules: Rules) -> String {
    let mut s = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            s.push(if rules.lower {
                c.to_ascii_lowercase()
            } else {
                c
            });
        } else if c.is_ascii() {
            s.push('_');
        } else {
            if !s.is_empty() && !s.ends_with('_') {
                s.push('_');
            }
            s.push_str(&format!("u{:x}_", c as u32));
        }
    }
    let digit = !rules.lower && s.starts_with(|c: char| c.is_ascii_digit());
    if s.is_empty() || digit || s.starts_with("__") {
        s.insert(0, 'x');
    }
    if rules.keywords.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// The identifiers given out in one namespace (a module, a struct's
/// fields, a C header): each one valid and different from every other
/// and from the reserved ones, including the names derived from it.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    rules: Rules,
    used: BTreeSet<String>,
}

impl Scope {
    /// A namespace where `reserved` are taken.
    pub(crate) fn new(rules: Rules, reserved: &[&str]) -> Self {
        let mut s = Scope {
            rules,
            used: BTreeSet::new(),
        };
        for r in reserved {
            let k = s.key(r);
            s.used.insert(k);
        }
        s
    }

    fn key(&self, s: &str) -> String {
        if self.rules.fold_case {
            s.to_ascii_lowercase()
        } else {
            s.to_string()
        }
    }

    /// Takes an identifier for `name`, reserving it with each of
    /// `suffixes` appended (the names derived from it).
    pub(crate) fn take(&mut self, name: &str, suffixes: &[&str]) -> String {
        self.take_ident(ident(name, self.rules), suffixes)
    }

    /// As [`Scope::take`] for an identifier already mangled.
    pub(crate) fn take_ident(&mut self, base: String, suffixes: &[&str]) -> String {
        let mut n = 1;
        loop {
            let cand = if n == 1 {
                base.clone()
            } else {
                format!("{base}_{n}")
            };
            let keys: Vec<String> = std::iter::once("")
                .chain(suffixes.iter().copied())
                .map(|s| self.key(&format!("{cand}{s}")))
                .collect();
            if keys.iter().all(|k| !self.used.contains(k)) {
                self.used.extend(keys);
                return cand;
            }
            n += 1;
        }
    }
}

/// A Python string literal (ASCII only) holding `s`.
pub(crate) fn py_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            ' '..='~' => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A Lua (5.1 to 5.4) string literal holding `s`.
pub(crate) fn lua_str(s: &str) -> String {
    let mut out = String::from("\"");
    for b in s.bytes() {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b' '..=b'~' | 0x80..=0xff => out.push(b as char),
            b => out.push_str(&format!("\\{b:03}")),
        }
    }
    // Bytes ≥ 0x80 were pushed as Latin-1 chars: put the UTF-8 back.
    let mut fixed = String::new();
    let mut raw = Vec::new();
    for c in out.chars() {
        if (0x80..=0xff).contains(&(c as u32)) {
            raw.push(c as u32 as u8);
        } else {
            if !raw.is_empty() {
                fixed.push_str(&String::from_utf8_lossy(&raw));
                raw.clear();
            }
            fixed.push(c);
        }
    }
    fixed.push_str(&String::from_utf8_lossy(&raw));
    fixed.push('"');
    fixed
}

/// Text safe inside a comment of any target: control characters and
/// line separators shown escaped, and no `*/`.
pub(crate) fn comment(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                out.push_str(&c.escape_unicode().to_string())
            }
            '/' if out.ends_with('*') => out.push_str("\\/"),
            c => out.push(c),
        }
    }
    out
}

/// The names of a container's fields in one language: `value` for a
/// newtype, `_0`, `_1`… for a tuple, the serde names made identifiers for
/// named fields, none of them one of `reserved` (the names the generated
/// code itself uses in that scope).
pub(crate) fn field_names(fields: &Fields, rules: Rules, reserved: &[&str]) -> Vec<String> {
    match fields {
        Fields::Unit => Vec::new(),
        Fields::Newtype(_) => vec!["value".into()],
        Fields::Tuple(v) => (0..v.len()).map(|i| format!("_{i}")).collect(),
        Fields::Named(v) => {
            let mut scope = Scope::new(rules, reserved);
            v.iter().map(|(n, _)| scope.take(n, &[])).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_collide_once_mangled_are_told_apart() {
        let mut s = Scope::new(PYTHON, &["encode"]);
        assert_eq!(s.take("a-b", &[]), "a_b");
        assert_eq!(s.take("a_b", &[]), "a_b_2");
        assert_eq!(s.take("a b", &[]), "a_b_3");
        assert_eq!(s.take("名前", &[]), "u540d_u524d_");
        assert_eq!(s.take("年齢", &[]), "u5e74_u9f62_");
        assert_eq!(s.take("class", &[]), "class_");
        assert_eq!(s.take("", &[]), "x");
        assert_eq!(s.take("__init__", &[]), "x__init__");
        assert_eq!(s.take("encode", &[]), "encode_2");
    }

    #[test]
    fn a_c_name_reserves_what_derives_from_it() {
        let mut s = Scope::new(C, &[]);
        assert_eq!(s.take("Msg", &["_size"]), "Msg");
        assert_eq!(s.take("MSG_SIZE", &[]), "MSG_SIZE_2");
        assert_eq!(s.take("size", &[]), "size");
        assert_eq!(s.take("Size", &[]), "Size_2");
    }

    #[test]
    fn text_cannot_leave_its_string_or_comment() {
        assert_eq!(py_str("a\"\"\"\\\n名"), "\"a\\\"\\\"\\\"\\\\\\x0a\\u540d\"");
        assert_eq!(lua_str("a\"]]\n\u{1b}名"), "\"a\\\"]]\\010\\027名\"");
        assert_eq!(comment("*/*\n"), "*\\/*\\u{a}");
    }
}
