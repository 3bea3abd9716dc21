//! The Python names of a module's types, variants and fields: every
//! serde name passes through one scope, so no two generated identifiers
//! collide and none takes a name the runtime, the API or Python's
//! builtins already hold.

use std::collections::BTreeMap;

use super::{API, RUNTIME};
use crate::spec::names::{self, Scope};
use crate::spec::trace::{Container, Fields, Registry};

/// Module-level names of the runtime and API, and builtins it uses: no
/// type may take them.
const RESERVED: &[&str] = &[
    "annotations",
    "struct",
    "sys",
    "Any",
    "Callable",
    "ClassVar",
    "Dict",
    "List",
    "NoReturn",
    "Optional",
    "Tuple",
    "LIMIT",
    "DEPTH",
    "LENGTH_WIDTH",
    "MESSAGE",
    "PREAMBLE",
    "FRAMING",
    "frame",
    "unframe",
    "encode",
    "decode",
    "decode_prefix",
    "MessageSocket",
    "bytes",
    "bytearray",
    "int",
    "float",
    "bool",
    "str",
    "len",
    "type",
    "isinstance",
    "range",
    "tuple",
    "list",
    "dict",
    "memoryview",
    "min",
    "max",
    "enumerate",
    "zip",
    "getattr",
    "super",
    "object",
    "print",
    "Exception",
    "BaseException",
    "ValueError",
    "TypeError",
    "KeyError",
    "OverflowError",
    "UnicodeDecodeError",
    "RecursionError",
    "AttributeError",
    "IndexError",
    "NotImplemented",
    "Ellipsis",
    "staticmethod",
    "classmethod",
    "property",
    "iter",
    "next",
    "hash",
    "id",
    "repr",
];

/// The Python names of the types and variants of a registry.
pub(super) struct PyNames {
    ty: BTreeMap<String, String>,
    /// Per enum, per variant: the class and the attribute on the enum.
    pub(super) variants: BTreeMap<String, Vec<(String, String)>>,
}

impl PyNames {
    pub(super) fn new(reg: &Registry) -> Self {
        let mut reserved: Vec<&str> = RESERVED.to_vec();
        for line in RUNTIME.lines().chain(API.lines()) {
            let word = line
                .strip_prefix("class ")
                .or_else(|| line.strip_prefix("def "))
                .unwrap_or(line);
            let end = word
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(word.len());
            if end > 0 && !line.starts_with(' ') {
                reserved.push(&word[..end]);
            }
        }
        let mut module = Scope::new(names::PYTHON, &reserved);
        let take = |module: &mut Scope, n: &str| {
            let id = names::ident(n, names::PYTHON);
            // `_c0`, `_dec_X`, ... are the module's own.
            let id = if id.starts_with('_') {
                format!("T{id}")
            } else {
                id
            };
            module.take_ident(id, &[])
        };
        let ty: BTreeMap<String, String> = reg
            .containers
            .keys()
            .map(|n| (n.clone(), take(&mut module, n)))
            .collect();
        let mut variants = BTreeMap::new();
        for (n, c) in &reg.containers {
            if let Container::Enum { variants: vs, .. } = c {
                let mut attrs = Scope::new(
                    names::PYTHON,
                    &["mro", "_tag", "_fields", "_replace", "_asdict"],
                );
                let list = vs
                    .iter()
                    .map(|v| {
                        let attr = attrs.take(&v.name, &[]);
                        let class = module.take_ident(format!("{}_{attr}", ty[n]), &[]);
                        (class, attr)
                    })
                    .collect();
                variants.insert(n.clone(), list);
            }
        }
        PyNames { ty, variants }
    }

    /// The class of the named type `n`.
    pub(super) fn ty(&self, n: &str) -> &str {
        self.ty.get(n).map_or("_UNIT", String::as_str)
    }
}

/// The Python names of a container's fields: none of them the class's
/// own names or those its `__new__` uses.
pub(super) fn field_names(fields: &Fields) -> Vec<String> {
    names::field_names(
        fields,
        names::PYTHON,
        &["_tag", "_fields", "_replace", "_asdict", "_cls", "_tnew"],
    )
}
