//! The `triangles` dataset: meshes sent as runs of fixed 48-byte records
//! (three vertices and a normal, `f32` each), the shape of geometry,
//! telemetry and audio protocols.
//!
//! [`TriangleMesh`] is the serde type every format compares on: plain
//! `f32` arrays, read element by element. [`TriangleRun`] is the same
//! message for `netwire::with::records`: zerocopy records of
//! `network_endian::F32`, the same bytes in `net`, read in one copy
//! ([`TriangleRunRef`]: borrowed, no copy).

use serde::{Deserialize, Serialize};
use wincode::{SchemaRead, SchemaWrite};
use zerocopy::byteorder::network_endian::F32;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::messages::meshes;

/// One triangle as plain numbers.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    Copy,
    PartialEq,
)]
pub struct Triangle {
    pub vertices: [[f32; 3]; 3],
    pub normal: [f32; 3],
}

/// A mesh as a sequence of triangles (every format).
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub struct TriangleMesh {
    pub id: u32,
    pub triangles: Vec<Triangle>,
}

/// [`Triangle`] as a fixed-layout record: 48 bytes, network byte order.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Debug, Clone, Copy)]
#[repr(C)]
pub struct TriangleRecord {
    pub vertices: [[F32; 3]; 3],
    pub normal: [F32; 3],
}

impl From<&Triangle> for TriangleRecord {
    fn from(t: &Triangle) -> Self {
        TriangleRecord {
            vertices: t.vertices.map(|v| v.map(F32::new)),
            normal: t.normal.map(F32::new),
        }
    }
}

/// [`TriangleMesh`] with its triangles as records, in one copy.
#[derive(Serialize, Deserialize, Debug)]
pub struct TriangleRun {
    pub id: u32,
    #[serde(with = "netwire::with::records")]
    pub triangles: Vec<TriangleRecord>,
}

impl From<&TriangleMesh> for TriangleRun {
    fn from(m: &TriangleMesh) -> Self {
        TriangleRun {
            id: m.id,
            triangles: m.triangles.iter().map(Into::into).collect(),
        }
    }
}

/// [`TriangleRun`] borrowing its records from the input.
#[derive(Serialize, Deserialize, Debug)]
pub struct TriangleRunRef<'a> {
    pub id: u32,
    #[serde(borrow, with = "netwire::with::records")]
    pub triangles: &'a [TriangleRecord],
}

/// `count` meshes: the triangles of the `mesh` dataset's patches, each
/// with its face normal.
pub fn triangle_meshes(count: usize) -> Vec<TriangleMesh> {
    meshes(count)
        .into_iter()
        .enumerate()
        .map(|(id, m)| TriangleMesh {
            id: id as u32,
            triangles: m
                .indices
                .chunks_exact(3)
                .map(|t| {
                    let [a, b, c] = [0, 1, 2].map(|i| m.vertices[t[i] as usize]);
                    let (u, v) = (sub(b, a), sub(c, a));
                    let n = [
                        u[1] * v[2] - u[2] * v[1],
                        u[2] * v[0] - u[0] * v[2],
                        u[0] * v[1] - u[1] * v[0],
                    ];
                    let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt().max(1e-12);
                    Triangle {
                        vertices: [a, b, c],
                        normal: n.map(|x| x / len),
                    }
                })
                .collect(),
        })
        .collect()
}

fn sub(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// The `net` batch of `meshes` and the same meshes as [`TriangleRun`]s,
/// checked to encode to the same bytes and to decode (owned and borrowed)
/// back to them.
pub fn runs(meshes: &[TriangleMesh]) -> (super::Batch, Vec<TriangleRun>) {
    let net = super::formats::Wire("net", netwire::net::Config::new());
    let batch = super::Batch::encode(&net, meshes).expect("net encodes the triangles");
    let runs: Vec<TriangleRun> = meshes.iter().map(Into::into).collect();
    for (run, bytes) in runs.iter().zip(batch.messages()) {
        let wire = netwire::net::to_vec(run).expect("encode records");
        assert_eq!(wire, bytes, "with::records and the serde twin disagree");
        let back: TriangleRun = netwire::net::from_slice(bytes).expect("decode records");
        assert_eq!(back.triangles.as_bytes(), run.triangles.as_bytes());
        let view: TriangleRunRef<'_> = netwire::net::from_slice(bytes).expect("borrow records");
        assert_eq!(view.triangles.as_bytes(), run.triangles.as_bytes());
    }
    (batch, runs)
}

/// Encodes every run onto `out` (`append_to_vec`).
#[inline]
pub fn encode_runs(runs: &[TriangleRun], out: &mut Vec<u8>) {
    out.clear();
    for r in runs {
        netwire::net::append_to_vec(std::hint::black_box(r), out).expect("encode");
    }
    std::hint::black_box(out);
}

/// Encodes every run back to back into `out` (`to_slice`).
#[inline]
pub fn encode_runs_slice(runs: &[TriangleRun], out: &mut [u8]) {
    let mut at = 0;
    for r in runs {
        let rest = out.get_mut(at..).unwrap_or_default();
        at += netwire::net::to_slice(std::hint::black_box(r), rest)
            .expect("encode")
            .len();
    }
    std::hint::black_box(out);
}

/// Decodes every message of `batch` as a [`TriangleRun`] (one copy).
#[inline]
pub fn decode_runs(batch: &super::Batch) {
    for bytes in batch.messages() {
        let run: TriangleRun =
            netwire::net::from_slice(std::hint::black_box(bytes)).expect("decode");
        std::hint::black_box(run);
    }
}

/// Decodes every message of `batch` as a [`TriangleRunRef`] (no copy).
#[inline]
pub fn decode_runs_borrowed(batch: &super::Batch) {
    for bytes in batch.messages() {
        let run: TriangleRunRef<'_> =
            netwire::net::from_slice(std::hint::black_box(bytes)).expect("decode");
        std::hint::black_box(run);
    }
}
