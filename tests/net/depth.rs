//! The recursion limit stops hostile nesting before the stack runs out.

use netwire::ErrorKind;
use netwire::net::{self, Config};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Tree {
    Leaf,
    Node(Box<Tree>, Box<Tree>),
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
enum Expr {
    Lit(u8),
    Neg { inner: Box<Expr> },
    Paren(Box<Expr>),
}

/// A left spine of `depth` nodes.
fn spine(depth: usize) -> Tree {
    let mut t = Tree::Leaf;
    for _ in 0..depth {
        t = Tree::Node(Box::new(t), Box::new(Tree::Leaf));
    }
    t
}

/// Runs `f` on a thread with a 128 KiB stack.
fn small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(128 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "too slow or unsupported under Miri")]
fn a_million_nested_tags_hit_the_depth_limit_on_a_small_stack() {
    small_stack(|| {
        let hostile = vec![1u8; 1_000_000];
        for err in [
            net::from_slice::<Tree>(&hostile).unwrap_err(),
            net::from_reader::<_, Tree>(&hostile[..]).unwrap_err(),
        ] {
            assert_eq!(err.kind(), &ErrorKind::DepthLimit(128));
            // 128 tags were read, each opening one level; the 129th
            // variant's content is one level too deep.
            assert_eq!(err.offset(), Some(129));
        }
        // Struct and newtype variants nest the same way.
        for input in [vec![1u8; 1_000_000], vec![2u8; 1_000_000]] {
            let err = net::from_slice::<Expr>(&input).unwrap_err();
            assert_eq!(
                (err.kind(), err.offset()),
                (&ErrorKind::DepthLimit(128), Some(129))
            );
            let err = net::from_reader::<_, Expr>(&input[..]).unwrap_err();
            assert_eq!(
                (err.kind(), err.offset()),
                (&ErrorKind::DepthLimit(128), Some(129))
            );
        }
    });
}

#[test]
fn the_deepest_allowed_tree_decodes_on_a_small_stack() {
    let deepest = net::to_vec(&spine(128)).unwrap();
    // The encoder refuses what the decoder would; a deeper
    // config writes it.
    let err = net::to_vec(&spine(129)).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::DepthLimit(128), None)
    );
    let too_deep = Config::new().with_depth(129).to_vec(&spine(129)).unwrap();
    small_stack(move || {
        let tree = net::from_slice::<Tree>(&deepest).unwrap();
        assert_eq!(net::from_reader::<_, Tree>(&deepest[..]).unwrap(), tree);
        let err = net::from_slice::<Tree>(&too_deep).unwrap_err();
        assert_eq!(
            (err.kind(), err.offset()),
            (&ErrorKind::DepthLimit(128), Some(129))
        );
    });
    assert_eq!(
        net::from_slice::<Tree>(&net::to_vec(&spine(128)).unwrap()).unwrap(),
        spine(128)
    );
}

#[test]
fn every_compound_counts_one_level() {
    let cfg = Config::new().with_depth(2);
    // Two levels are fine.
    assert_eq!(
        cfg.from_slice::<Option<Option<u8>>>(&[1, 1, 5]).unwrap(),
        Some(Some(5))
    );
    assert_eq!(
        cfg.from_slice::<Vec<Vec<u8>>>(&[0, 0, 0, 1, 0, 0, 0, 0])
            .unwrap(),
        [Vec::<u8>::new()]
    );
    // A third is not; the offset is where the third level starts.
    for (err, offset) in [
        (
            cfg.from_slice::<Option<Option<Option<u8>>>>(&[1, 1, 1, 5])
                .unwrap_err(),
            2,
        ),
        (cfg.from_slice::<((((u8,),),),)>(&[5]).unwrap_err(), 0),
        (
            cfg.from_slice::<Vec<Vec<Vec<u8>>>>(&[0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0])
                .unwrap_err(),
            8,
        ),
        (
            cfg.from_slice::<Tree>(&[1, 1, 1, 0, 0, 0, 0]).unwrap_err(),
            3,
        ),
    ] {
        assert_eq!(
            (err.kind(), err.offset()),
            (&ErrorKind::DepthLimit(2), Some(offset))
        );
    }
    // Newtype structs count too, so a type that nests only through
    // newtypes cannot recurse without bound either.
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Wrap(Box<Wrap>);
    let err = net::from_slice::<Wrap>(&[]).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::DepthLimit(128));
    // Depth 0 allows scalars only.
    assert_eq!(
        Config::new().with_depth(0).from_slice::<u8>(&[1]).unwrap(),
        1
    );
}
