//! The C names of a header's types, variants and fields, and the C types
//! of the primitives: every serde name passes through one scope, so no
//! two generated identifiers collide and none takes a name the header
//! declares itself.

use std::collections::BTreeMap;

use super::arena::reaches;
use crate::spec::names::{self, Scope};
use crate::spec::trace::{Container, Fields, Prim, Registry};

/// The C names of a registry's types and variants: one scope for the whole
/// header (C folds nothing, but the macros are upper case).
pub(super) struct CNames {
    pub(super) ty: BTreeMap<String, String>,
    /// Per enum, per variant: the union member and the tag macro's suffix.
    pub(super) variants: BTreeMap<String, Vec<(String, String)>>,
}

/// Names the header declares itself, after the protocol prefix.
const RESERVED: &[&str] = &[
    "view",
    "error",
    "state",
    "message",
    "preamble",
    "message_decode",
    "message_encode",
    "message_decode_at",
    "rd8",
    "rd16",
    "rd32",
    "rd64",
    "wr8",
    "wr16",
    "wr32",
    "wr64",
    "fail",
    "short",
    "end",
    "enter",
    "charge",
    "utf8",
    "error_name",
    "eshort",
    "einval",
    "ebool",
    "eoption",
    "etag",
    "eutf8",
    "enegative",
    "elimit",
    "edepth",
    "etrailing",
    "limit",
    "depth",
    "netwire_h",
    "enc_depth",
];

/// Names a header with recursive types declares too.
const RESERVED_ARENA: &[&str] = &[
    "arena",
    "alloc",
    "max_align",
    "align_probe",
    "earena",
    "align",
    "node_max",
    "arena_size",
];

impl CNames {
    pub(super) fn new(reg: &Registry) -> Self {
        let mut reserved = RESERVED.to_vec();
        if reaches(reg).iter().any(|(n, r)| r.contains(n)) {
            reserved.extend(RESERVED_ARENA);
        }
        let mut global = Scope::new(names::C, &reserved);
        let suffixes = ["_decode", "_encode", "_decode_at", "_dec", "_enc", "_size"];
        let ty: BTreeMap<String, String> = reg
            .containers
            .keys()
            .map(|n| (n.clone(), global.take(n, &suffixes)))
            .collect();
        let mut variants = BTreeMap::new();
        for (n, c) in &reg.containers {
            if let Container::Enum { variants: vs, .. } = c {
                let mut members = Scope::new(names::C, &[]);
                let list = vs
                    .iter()
                    .map(|v| {
                        let member = members.take(&v.name, &[]);
                        let mac = global.take_ident(format!("{}_{member}", ty[n]), &[]);
                        (member, mac)
                    })
                    .collect();
                variants.insert(n.clone(), list);
            }
        }
        CNames { ty, variants }
    }

    pub(super) fn ty(&self, n: &str) -> &str {
        self.ty.get(n).map_or("?", String::as_str)
    }
}

pub(super) fn field_names(fields: &Fields) -> Vec<String> {
    names::field_names(fields, names::C, &["unused", "tag", "v"])
}

pub(super) fn prim_c(p: Prim) -> Option<&'static str> {
    Some(match p {
        Prim::Bool => "bool",
        Prim::U8 => "uint8_t",
        Prim::U16 => "uint16_t",
        Prim::U32 => "uint32_t",
        Prim::U64 => "uint64_t",
        Prim::I8 => "int8_t",
        Prim::I16 => "int16_t",
        Prim::I32 => "int32_t",
        Prim::I64 => "int64_t",
        Prim::F32 => "float",
        Prim::F64 => "double",
        Prim::U128 | Prim::I128 => return None,
    })
}
