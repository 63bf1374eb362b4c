//! The store's promises, checked against a real sled database in a temp dir: what is applied
//! survives a reopen, what is rejected leaves no trace (in memory or on disk), and a locked,
//! foreign or damaged database is an error — never a panic, never a silently different graph.
//! Over 800 lines: one promise per test over shared helpers for opening and damaging databases.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use skillgraph_graph::{
    Change, ChangeError, Edge, EdgeKind, Graph, Node, NodeKind, SourceId, Value,
};
use skillgraph_store::{Commit, Opened, Store, StoreError, COMPACT_AFTER, SCHEMA_VERSION};
use skillgraph_testkit::{assert_same_dump, copy_dir, dump, files_under, source, Damage};

// ---- helpers ------------------------------------------------------------------------------------

fn node(id: &str, kind: NodeKind, name: &str, src: SourceId) -> Node {
    let mut n = Node::new(id, kind, name);
    n.sources = vec![src];
    n
}

fn edge(kind: EdgeKind, src: SourceId) -> Edge {
    let mut e = Edge::new(kind);
    e.sources = vec![src];
    e
}

fn requires(importance: u8, src: SourceId) -> Edge {
    let mut e = edge(EdgeKind::Requires, src);
    e.importance = Some(importance);
    e
}

fn add_edge(from: &str, to: &str, edge: Edge) -> Change {
    Change::AddEdge {
        from: from.into(),
        to: to.into(),
        edge,
    }
}

/// The source every test change cites; it is the seed graph's first source.
const S: SourceId = SourceId(0);

/// A small graph of every node kind and most edge kinds, built through validated changes.
fn seed_graph() -> Graph {
    let mut g = Graph::new();
    let mut apply = |c: Change| {
        g.apply(c).expect("seed change is valid");
    };
    apply(Change::AddSource(source("test-a")));
    apply(Change::AddSource(source("test-b")));
    let mut sre = node("sre", NodeKind::Role, "Site reliability engineer", S);
    sre.aliases = vec!["SRE".into()];
    sre.fields.insert(
        "salary".into(),
        Value::Record(BTreeMap::from([
            ("avg".into(), Value::Number(120000.0)),
            ("currency".into(), Value::Text("USD".into())),
        ])),
    );
    apply(Change::AddNode(sre));
    apply(Change::AddNode(node(
        "devops",
        NodeKind::Role,
        "DevOps engineer",
        S,
    )));
    let mut linux = node("linux", NodeKind::Skill, "Linux", S);
    linux.effort_hours = Some(80.0);
    apply(Change::AddNode(linux));
    apply(Change::AddNode(node(
        "networking",
        NodeKind::Skill,
        "Networking",
        S,
    )));
    apply(Change::AddNode(node(
        "kubernetes",
        NodeKind::Skill,
        "Kubernetes",
        S,
    )));
    apply(Change::AddNode(node("docker", NodeKind::Tool, "Docker", S)));
    apply(add_edge("sre", "linux", requires(5, S)));
    apply(add_edge("sre", "linux", requires(3, SourceId(1))));
    apply(add_edge("devops", "kubernetes", requires(4, S)));
    apply(add_edge("devops", "docker", edge(EdgeKind::Uses, S)));
    apply(add_edge("docker", "kubernetes", edge(EdgeKind::Covers, S)));
    apply(add_edge(
        "linux",
        "networking",
        edge(EdgeKind::Prerequisite, S),
    ));
    apply(add_edge(
        "networking",
        "kubernetes",
        edge(EdgeKind::Prerequisite, S),
    ));
    let mut mv = edge(EdgeKind::Transition, S);
    mv.effort_hours = Some(300.0);
    mv.extra_mut().skills = vec!["linux".into()];
    mv.extra_mut().note = Some("a common move".into());
    apply(add_edge("devops", "sre", mv));
    g
}

fn db_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("graph.sgdb")
}

fn open(path: &Path) -> Store {
    match Store::open(path, seed_graph) {
        Ok((store, _)) => store,
        Err(e) => panic!("cannot open {}: {e}", path.display()),
    }
}

fn reopen_dump(path: &Path) -> String {
    let (mut store, opened) = Store::open(path, || panic!("the database should exist already"))
        .unwrap_or_else(|e| panic!("reopen failed: {e}"));
    assert_eq!(opened, Opened::Existing);
    // Readers never look at sled; `verify` (as `skillgraph check` and every writer) does.
    store
        .verify()
        .unwrap_or_else(|e| panic!("verify failed: {e}"));
    dump(store.graph())
}

/// Opens, then checks sled as a writer would: damage that readers never see shows here.
fn open_and_verify(path: &Path) -> Result<Store, StoreError> {
    let (mut store, _) = Store::open(path, Graph::new)?;
    store.verify()?;
    Ok(store)
}

/// Opens the database's sled tree directly, as another program (or a bad disk) might.
///
/// sled lets go of its file lock a moment after the `Db` is dropped (spacejam/sled#1234), so a
/// lock failure right after a `Store` was dropped is waited out here, as `Store::open` does.
fn with_raw_sled(path: &Path, f: impl FnOnce(&sled::Db)) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let db = loop {
        match sled::open(path) {
            Ok(db) => break db,
            Err(e)
                if e.to_string().contains("could not acquire lock")
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::yield_now()
            }
            Err(e) => panic!("raw sled open of {}: {e}", path.display()),
        }
    };
    f(&db);
    db.flush().expect("raw sled flush");
}

fn raw_keys(path: &Path, prefix: &str) -> Vec<String> {
    let mut keys = Vec::new();
    with_raw_sled(path, |db| {
        for item in db.scan_prefix(prefix.as_bytes()).keys() {
            keys.push(String::from_utf8_lossy(&item.unwrap()).into_owned());
        }
    });
    keys
}

fn expect_damaged(path: &Path, what: &str) -> String {
    match open_and_verify(path) {
        Err(e @ StoreError::Damaged { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("is damaged"), "{what}: {msg}");
            assert!(msg.contains(&path.display().to_string()), "{what}: {msg}");
            msg
        }
        Err(other) => panic!("{what}: expected Damaged, got {other:?}"),
        Ok(_) => panic!("{what}: a damaged database opened"),
    }
}

// ---- persistence --------------------------------------------------------------------------------

/// One change of each kind, valid on the seed graph.
fn one_of_each_change() -> Vec<Change> {
    let mut terraform = node("terraform", NodeKind::Tool, "Terraform", S);
    terraform.category = Some("iac".into());
    vec![
        Change::AddNode(terraform),
        add_edge("sre", "terraform", edge(EdgeKind::Uses, S)),
        Change::SetField {
            id: "sre".into(),
            field: "primary_metric".into(),
            value: Value::Text("SLO attainment".into()),
        },
        Change::SetField {
            id: "linux".into(),
            field: "effort_hours".into(),
            value: Value::Number(95.5),
        },
        Change::RemoveEdge {
            from: "docker".into(),
            to: "kubernetes".into(),
            kind: EdgeKind::Covers,
        },
        Change::RemoveNode { id: "linux".into() },
    ]
}

#[test]
fn applied_changes_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let seed_dump = dump(&seed_graph());

    // The oracle: the same changes applied to a plain in-memory graph.
    let mut expected = seed_graph();
    for c in one_of_each_change() {
        expected.apply(c).unwrap();
    }
    assert_ne!(
        dump(&expected),
        seed_dump,
        "the changes must change something"
    );
    assert!(expected.by_id("linux").is_none());
    assert!(expected.by_id("terraform").is_some());

    {
        let (mut store, opened) = Store::open(&path, seed_graph).unwrap();
        assert_eq!(opened, Opened::Created);
        assert_same_dump(&dump(store.graph()), &seed_dump);
        for c in one_of_each_change() {
            store.apply(vec![c]).unwrap();
        }
        assert_same_dump(&dump(store.graph()), &dump(&expected));
        assert_eq!(store.log_entries(), one_of_each_change().len() as u64);
    }
    assert_same_dump(&reopen_dump(&path), &dump(&expected));
    // And a second reopen, after a reopen that wrote nothing, still agrees.
    assert_same_dump(&reopen_dump(&path), &dump(&expected));
}

#[test]
fn multi_change_operation_is_one_log_entry_and_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let mut expected = seed_graph();
    for c in one_of_each_change() {
        expected.apply(c).unwrap();
    }
    {
        let mut store = open(&path);
        let summaries = store.apply(one_of_each_change()).unwrap();
        assert_eq!(summaries.len(), one_of_each_change().len());
        assert_eq!(store.log_entries(), 1);
    }
    assert_same_dump(&reopen_dump(&path), &dump(&expected));
}

fn numbered_skill(i: u64) -> Change {
    let mut n = node(
        &format!("skill-{i}"),
        NodeKind::Skill,
        &format!("Skill {i}"),
        S,
    );
    n.effort_hours = Some(i as f64);
    Change::AddNode(n)
}

#[test]
fn reopen_after_compaction_gives_same_graph_and_clears_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let extra = 7;
    let total = COMPACT_AFTER + extra;
    let mut expected = seed_graph();
    {
        let mut store = open(&path);
        for i in 0..total {
            let change = numbered_skill(i);
            expected.apply(change.clone()).unwrap();
            store.apply(vec![change]).unwrap();
            if i + 1 == COMPACT_AFTER {
                assert_eq!(
                    store.log_entries(),
                    0,
                    "the log is compacted at {COMPACT_AFTER}"
                );
            }
        }
        assert_eq!(store.log_entries(), extra);
        assert_same_dump(&dump(store.graph()), &dump(&expected));
    }
    let (store, _) = Store::open(&path, Graph::new).unwrap();
    assert_eq!(store.log_entries(), extra);
    assert_eq!(
        store.graph().node_count(),
        seed_graph().node_count() + total as usize
    );
    assert_same_dump(&dump(store.graph()), &dump(&expected));
    drop(store);

    // Compaction left one snapshot file and only the log entries written after it.
    assert_eq!(raw_keys(&path, "log:").len() as u64, extra);
    assert_eq!(
        snapshot_files(&path).len(),
        1,
        "old snapshots were not removed: {:?}",
        snapshot_files(&path)
    );
}

/// The names of the snapshot files (and left-overs of writing one) in the database directory.
fn snapshot_files(path: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("graph-"))
        .collect();
    names.sort();
    names
}

// ---- rejected changes ---------------------------------------------------------------------------

#[test]
fn rejected_change_leaves_graph_and_database_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let mut store = open(&path);
    // One accepted change first, so the log is not empty and must stay exactly as it is.
    store
        .apply(vec![add_edge("sre", "kubernetes", requires(2, S))])
        .unwrap();
    let before = dump(store.graph());
    let log_before = store.log_entries();

    let too_important = requires(9, S);
    type IsExpected = fn(&ChangeError) -> bool;
    let rejected: Vec<(Change, IsExpected)> = vec![
        (add_edge("devops", "linux", too_important), |e| {
            matches!(e, ChangeError::ImportanceOutOfRange(9))
        }),
        // linux → networking → kubernetes exists; kubernetes → linux closes a cycle.
        (
            add_edge("kubernetes", "linux", edge(EdgeKind::Prerequisite, S)),
            |e| matches!(e, ChangeError::PrerequisiteCycle(_)),
        ),
        (
            Change::SetField {
                id: "no-such-node".into(),
                field: "name".into(),
                value: Value::Text("x".into()),
            },
            |e| matches!(e, ChangeError::UnknownNode(id) if id == "no-such-node"),
        ),
        (
            add_edge("sre", "ghost", requires(3, S)),
            |e| matches!(e, ChangeError::UnknownNode(id) if id == "ghost"),
        ),
        (
            Change::AddNode(node("linux", NodeKind::Tool, "Another Linux", S)),
            |e| matches!(e, ChangeError::DuplicateId { id, .. } if id == "linux"),
        ),
        (
            Change::RemoveEdge {
                from: "sre".into(),
                to: "docker".into(),
                kind: EdgeKind::Uses,
            },
            |e| matches!(e, ChangeError::NoSuchEdge { .. }),
        ),
    ];
    for (change, is_expected) in rejected {
        let shown = format!("{change:?}");
        match store.apply(vec![change]) {
            Err(StoreError::Change(e)) => assert!(is_expected(&e), "{shown}: wrong error {e:?}"),
            other => panic!("{shown}: expected a rejected change, got {other:?}"),
        }
        assert_eq!(dump(store.graph()), before, "{shown} changed the graph");
        assert_eq!(store.log_entries(), log_before, "{shown} wrote to the log");
    }
    drop(store);
    assert_same_dump(&reopen_dump(&path), &before);
}

#[test]
fn operation_whose_second_change_fails_leaves_nothing_of_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let mut store = open(&path);
    let before = dump(store.graph());

    let operations = vec![
        vec![
            Change::AddNode(node("helm", NodeKind::Tool, "Helm", S)),
            add_edge("helm", "linux", requires(3, S)), // a tool cannot require
        ],
        vec![
            Change::SetField {
                id: "sre".into(),
                field: "name".into(),
                value: Value::Text("Renamed".into()),
            },
            Change::RemoveNode {
                id: "docker".into(),
            },
            Change::RemoveNode {
                id: "docker".into(),
            }, // already gone
        ],
    ];
    for changes in operations {
        let shown = format!("{changes:?}");
        match store.apply(changes) {
            Err(StoreError::Change(_)) => {}
            other => panic!("{shown}: expected a rejected change, got {other:?}"),
        }
        assert_eq!(
            dump(store.graph()),
            before,
            "{shown} left a trace in memory"
        );
        assert!(store.graph().by_id("helm").is_none());
        assert!(store.graph().resolve(None, "Renamed").is_err());
    }
    assert_eq!(store.log_entries(), 0);

    // The store is still usable after the rollback.
    store
        .apply(vec![Change::AddNode(node(
            "helm",
            NodeKind::Tool,
            "Helm",
            S,
        ))])
        .unwrap();
    let after = dump(store.graph());
    assert_ne!(after, before);
    drop(store);
    assert_same_dump(&reopen_dump(&path), &after);
}

// ---- merge and replace --------------------------------------------------------------------------

fn other_graph(ids: &[(&str, NodeKind)]) -> Graph {
    let mut g = Graph::new();
    g.apply(Change::AddSource(source("other-source"))).unwrap();
    for (id, kind) in ids {
        g.apply(Change::AddNode(node(id, *kind, &format!("Other {id}"), S)))
            .unwrap();
    }
    g
}

#[test]
fn merge_with_clashing_id_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let mut store = open(&path);
    let before = dump(store.graph());

    let incoming = other_graph(&[("ansible", NodeKind::Tool), ("docker", NodeKind::Skill)]);
    match store.merge(incoming) {
        Err(StoreError::Clashes(list)) => {
            assert_eq!(
                list,
                vec![ChangeError::DuplicateId {
                    id: "docker".into(),
                    existing: NodeKind::Tool
                }]
            );
        }
        other => panic!("expected Clashes, got {:?}", other.err()),
    }
    assert_same_dump(&dump(store.graph()), &before);
    drop(store);
    assert_same_dump(&reopen_dump(&path), &before);
}

#[test]
fn merge_without_clashes_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let mut store = open(&path);
    let incoming = other_graph(&[("ansible", NodeKind::Tool)]);
    let mut expected = seed_graph();
    expected.merge(incoming.clone()).unwrap();
    store.merge(incoming).unwrap();
    assert_same_dump(&dump(store.graph()), &dump(&expected));
    drop(store);
    let reopened = reopen_dump(&path);
    assert_same_dump(&reopened, &dump(&expected));
    assert!(reopened.contains("node ansible tool"));
    assert!(reopened.contains("other-source"));
}

#[test]
fn replace_then_reopen_gives_exactly_the_new_graph() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let mut store = open(&path);
    // Leave something in the log, which the replacement must drop.
    store
        .apply(vec![Change::AddNode(node(
            "helm",
            NodeKind::Tool,
            "Helm",
            S,
        ))])
        .unwrap();
    let replacement = other_graph(&[("ansible", NodeKind::Tool), ("python", NodeKind::Skill)]);
    let wanted = dump(&replacement);
    store.replace(replacement).unwrap();
    assert_eq!(store.log_entries(), 0);
    assert_same_dump(&dump(store.graph()), &wanted);
    drop(store);
    assert_same_dump(&reopen_dump(&path), &wanted);
    assert!(raw_keys(&path, "log:").is_empty());
}

// ---- locking ------------------------------------------------------------------------------------

#[test]
fn a_second_writer_waits_for_the_first_and_past_its_wait_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let mut first = open(&path);
    // A script's writer keeps the lock until it syncs.
    first.set_commit(skillgraph_store::Commit::AtSync);
    first
        .apply(vec![Change::AddNode(node("k9s", NodeKind::Tool, "K9s", S))])
        .unwrap();

    // A second store opens and reads beside it, but its write waits, then gives up.
    let (mut second, _) = Store::open(&path, seed_graph).unwrap();
    second.set_write_wait(std::time::Duration::from_millis(50));
    let change = vec![Change::AddNode(node("kind", NodeKind::Tool, "Kind", S))];
    match second.apply(change.clone()) {
        Err(e @ StoreError::Locked { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains(&path.display().to_string()), "{msg}");
            assert!(msg.contains("is being changed by"), "{msg}");
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    first.sync().unwrap();
    first.set_commit(skillgraph_store::Commit::EachWrite);
    // Once the first is done, the second writes, on top of the first's change.
    second.apply(change).unwrap();
    assert!(second.graph().by_id("k9s").is_some());

    // The first store is unharmed by the failed second open.
    first
        .apply(vec![Change::AddNode(node(
            "helm",
            NodeKind::Tool,
            "Helm",
            S,
        ))])
        .unwrap();
    let after = dump(first.graph());
    drop(first);
    assert_same_dump(&reopen_dump(&path), &after);
    assert!(after.contains("node helm tool"));
}

// ---- foreign and damaged databases --------------------------------------------------------------

/// A database with a snapshot and two log entries; returns the dump it holds.
fn written_database(path: &Path) -> String {
    let mut store = open(path);
    store
        .apply(vec![Change::AddNode(node(
            "helm",
            NodeKind::Tool,
            "Helm",
            S,
        ))])
        .unwrap();
    store
        .apply(vec![add_edge("sre", "helm", edge(EdgeKind::Uses, S))])
        .unwrap();
    dump(store.graph())
}

#[test]
fn schema_version_99_is_a_schema_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    written_database(&path);
    with_raw_sled(&path, |db| {
        db.insert("meta:schema", &99u32.to_be_bytes()).unwrap();
    });
    match open_and_verify(&path) {
        Err(e @ StoreError::SchemaMismatch { found: 99, .. }) => {
            let msg = e.to_string();
            assert!(msg.contains(&path.display().to_string()), "{msg}");
            assert!(msg.contains("schema version 99"), "{msg}");
            assert!(
                msg.contains(&format!("reads version {SCHEMA_VERSION}")),
                "{msg}"
            );
        }
        Err(other) => panic!("expected SchemaMismatch, got {other:?}"),
        Ok(_) => panic!("a database of schema 99 opened"),
    }
}

#[test]
fn unreadable_or_missing_schema_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    written_database(&path);
    with_raw_sled(&path, |db| {
        db.insert("meta:schema", b"\x00\x01".as_slice()).unwrap();
    });
    let msg = expect_damaged(&path, "two-byte schema");
    assert!(msg.contains("schema version is unreadable"), "{msg}");

    with_raw_sled(&path, |db| {
        db.remove("meta:schema").unwrap();
    });
    let msg = expect_damaged(&path, "no schema");
    assert!(msg.contains("no schema version"), "{msg}");
}

#[test]
fn missing_manifest_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    written_database(&path);
    with_raw_sled(&path, |db| {
        db.remove("meta:snapshot")
            .unwrap()
            .expect("a manifest was written");
    });
    let msg = expect_damaged(&path, "no manifest");
    assert!(msg.contains("manifest is missing"), "{msg}");
}

#[test]
fn scribbled_manifest_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    written_database(&path);
    // `huge_length` is a well-formed manifest (generation 1, one chunk, CRC 0) claiming a
    // snapshot of 2^64 - 1 bytes: the store must not try to allocate that.
    let huge_length = [
        0x01, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00,
    ];
    for garbage in [&[0xffu8; 10][..], &huge_length[..], b"x"] {
        with_raw_sled(&path, |db| {
            db.insert("meta:snapshot", garbage).unwrap();
        });
        expect_damaged(&path, &format!("manifest {garbage:?}"));
    }
}

#[test]
fn scribbled_truncated_or_missing_snapshot_file_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    written_database(&path);
    let files = snapshot_files(&path);
    assert_eq!(files.len(), 1, "one snapshot file: {files:?}");
    let file = path.join(&files[0]);
    let pristine = std::fs::read(&file).unwrap();

    // Same length, different bytes: only the checksum can tell.
    let scribbled: Vec<u8> = pristine.iter().map(|b| b ^ 0x5a).collect();
    std::fs::write(&file, scribbled).unwrap();
    let msg = expect_damaged(&path, "scribbled snapshot");
    assert!(msg.contains("checksum"), "{msg}");

    for len in [0, 1, pristine.len() / 2, pristine.len() - 1] {
        std::fs::write(&file, &pristine[..len]).unwrap();
        let msg = expect_damaged(&path, &format!("snapshot cut to {len} bytes"));
        assert!(msg.contains("checksum"), "{msg}");
    }

    std::fs::remove_file(&file).unwrap();
    let msg = expect_damaged(&path, "missing snapshot");
    assert!(
        msg.contains(&format!("snapshot file {} is missing", files[0])),
        "{msg}"
    );

    // Put back, the same bytes are the same database again.
    std::fs::write(&file, &pristine).unwrap();
    open(&path);
}

#[test]
fn left_overs_of_an_interrupted_snapshot_write_are_ignored_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let expected = written_database(&path);
    let current = snapshot_files(&path);
    // What a crash leaves: a renamed file the manifest never came to name (the next
    // generation), and a file still under its temporary name; both garbage.
    let next = "graph-00000000000000ff.snapshot";
    std::fs::write(path.join(next), b"not a snapshot").unwrap();
    std::fs::write(path.join(format!("{next}.tmp")), b"half a snap").unwrap();
    assert_same_dump(&reopen_dump(&path), &expected);
    assert_eq!(
        snapshot_files(&path),
        current,
        "left-overs were not removed"
    );
}

#[test]
fn schema_3_database_with_the_snapshot_in_sled_opens_and_is_upgraded_on_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let graph = seed_graph();
    let expected = dump(&graph);
    let bytes = graph.to_snapshot();
    // Schema 3's layout: manifest (generation, chunks, bytes, crc) and one sled value.
    #[derive(serde::Serialize)]
    struct Manifest {
        generation: u64,
        chunks: u32,
        bytes: u64,
        crc: u32,
    }
    let manifest = Manifest {
        generation: 1,
        chunks: 1,
        bytes: bytes.len() as u64,
        crc: crc32fast::hash(&bytes),
    };
    with_raw_sled(&path, |db| {
        db.insert("meta:schema", &3u32.to_be_bytes()).unwrap();
        db.insert("meta:snapshot", postcard::to_allocvec(&manifest).unwrap())
            .unwrap();
        db.insert("snap:0000000000000001:00000000", bytes.as_slice())
            .unwrap();
    });
    // The first writer (here `verify`) writes the snapshot as a file: schema 4.
    assert_same_dump(&reopen_dump(&path), &expected);
    assert_eq!(snapshot_files(&path).len(), 1);

    let mut store = open(&path);
    store.replace(seed_graph()).unwrap();
    drop(store);
    assert_eq!(snapshot_files(&path).len(), 1);
    assert!(
        raw_keys(&path, "snap:").is_empty(),
        "schema 3 values remain"
    );
    let mut schema = None;
    with_raw_sled(&path, |db| schema = db.get("meta:schema").unwrap());
    assert_eq!(schema.as_deref(), Some(&SCHEMA_VERSION.to_be_bytes()[..]));
    assert_same_dump(&reopen_dump(&path), &expected);
}

#[test]
fn corrupted_log_entry_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    written_database(&path);
    let entries = raw_keys(&path, "log:");
    assert_eq!(entries.len(), 2, "{entries:?}");
    with_raw_sled(&path, |db| {
        let mut value = db.get(&entries[1]).unwrap().unwrap().to_vec();
        let last = value.len() - 1;
        value[last] ^= 0x01;
        db.insert(entries[1].as_bytes(), value).unwrap();
    });
    let msg = expect_damaged(&path, "flipped bit in a log entry");
    assert!(msg.contains("log entry 1 is unreadable"), "{msg}");

    with_raw_sled(&path, |db| {
        db.insert(entries[1].as_bytes(), b"ab".as_slice()).unwrap();
    });
    expect_damaged(&path, "log entry shorter than its checksum");
}

#[test]
fn log_entry_that_no_longer_applies_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    written_database(&path);
    // Replaying "add helm" a second time fails: helm exists by then.
    with_raw_sled(&path, |db| {
        let first = db.get("log:0000000000000000").unwrap().unwrap();
        db.insert("log:0000000000000009", first).unwrap();
    });
    let msg = expect_damaged(&path, "replayed twice");
    assert!(msg.contains("log entry 9"), "{msg}");

    with_raw_sled(&path, |db| {
        db.remove("log:0000000000000009").unwrap();
        db.insert("log:not-hex", b"".as_slice()).unwrap();
    });
    let msg = expect_damaged(&path, "malformed log key");
    assert!(msg.contains("log key is malformed"), "{msg}");
}

// ---- damage to the files on disk ----------------------------------------------------------------

#[test]
fn emptied_db_file_is_damaged_not_reseeded() {
    // sled reads a `db` file it cannot parse from the start as a brand-new database; the store
    // must not then seed it as if it were new, silently replacing the user's graph.
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    written_database(&path);
    std::fs::write(path.join("db"), b"").unwrap();
    let msg = expect_damaged(&path, "emptied db file");
    assert!(
        msg.contains("hold no data") || msg.contains("corrupted"),
        "{msg}"
    );

    std::fs::remove_file(path.join("db")).unwrap();
    expect_damaged(&path, "deleted db file");
}

#[test]
fn new_database_in_an_existing_empty_directory_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let (store, opened) = Store::open(dir.path(), seed_graph).unwrap();
    assert_eq!(opened, Opened::Created);
    assert_same_dump(&dump(store.graph()), &dump(&seed_graph()));
}

#[test]
fn damaged_files_on_disk_give_an_error_or_an_earlier_state_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let pristine = db_path(&dir);
    // Every state the database has held, any of which sled might recover to.
    let mut states = vec![dump(&seed_graph())];
    {
        let mut store = open(&pristine);
        for i in 0..20 {
            store.apply(vec![numbered_skill(i)]).unwrap();
            states.push(dump(store.graph()));
        }
    }
    let files = files_under(&pristine);
    assert!(
        files
            .iter()
            .any(|f| f.file_name().is_some_and(|n| n == "db")),
        "sled's layout changed: {files:?}"
    );

    let damages = [
        Damage::Delete,
        Damage::TruncateTo(0),
        Damage::TruncateTo(1),
        Damage::TruncateTo(17),
        Damage::TruncateEighths(1),
        Damage::TruncateEighths(4),
        Damage::TruncateEighths(7),
        Damage::ScribbleAtEighths(0, 0xff),
        Damage::ScribbleAtEighths(0, 0x00),
        Damage::ScribbleAtEighths(2, 0xa5),
        Damage::ScribbleAtEighths(4, 0xff),
        Damage::ScribbleAtEighths(6, 0x00),
        Damage::ScribbleAtEighths(7, 0x5a),
        Damage::FlipEvery(97),
    ];
    let mut outcomes = Vec::new();
    for (fi, file) in files.iter().enumerate() {
        let relative = file.strip_prefix(&pristine).unwrap();
        for (di, damage) in damages.iter().enumerate() {
            let copy = dir.path().join(format!("case-{fi}-{di}"));
            copy_dir(&pristine, &copy);
            damage.apply(&copy.join(relative));
            let what = format!("{damage:?} on {}", relative.display());
            let seeded = std::cell::Cell::new(false);
            let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let seed = || {
                    seeded.set(true);
                    Graph::new()
                };
                Store::open(&copy, seed).map(|(store, _)| dump(store.graph()))
            }));
            assert!(
                !seeded.get(),
                "{what}: the lost data was replaced by a new seed"
            );
            match opened {
                Err(_) => panic!("{what}: Store::open panicked"),
                Ok(Ok(found)) => {
                    assert!(
                        states.contains(&found),
                        "{what}: opened as a graph the database never held"
                    );
                    outcomes.push(format!("{what}: recovered"));
                }
                Ok(Err(e)) => {
                    let msg = e.to_string();
                    assert!(
                        msg.contains(&copy.display().to_string()),
                        "{what}: the error does not name the database: {msg}"
                    );
                    outcomes.push(format!("{what}: {msg}"));
                }
            }
            std::fs::remove_dir_all(&copy).unwrap();
        }
    }
    // Shown with --nocapture; useful when sled's behaviour changes.
    for line in &outcomes {
        println!("{line}");
    }
    assert!(
        outcomes.iter().any(|o| o.contains("is damaged")),
        "no damage was noticed at all: is the damage applied?"
    );
}

// ---- what is at the path, and what crashes leave ------------------------------------------------

fn names_in(path: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_directory_of_other_files_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photos");
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("random.txt"), "mine").unwrap();
    match Store::open(&path, seed_graph) {
        Err(e @ StoreError::NotADatabase { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains(&path.display().to_string()), "{msg}");
            assert!(msg.contains("`random.txt`"), "{msg}");
            assert!(msg.contains("not a skillgraph database"), "{msg}");
        }
        Err(other) => panic!("expected NotADatabase, got {other:?}"),
        Ok(_) => panic!("a directory of other files was used as a database"),
    }
    assert_eq!(names_in(&path), ["random.txt"]);

    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "mine").unwrap();
    assert!(matches!(
        Store::open(&file, seed_graph),
        Err(StoreError::NotADatabase { .. })
    ));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}

#[test]
fn an_empty_or_missing_directory_becomes_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for path in [empty, dir.path().join("missing").join("graph.sgdb")] {
        let (store, opened) = Store::open(&path, seed_graph).unwrap();
        assert_eq!(opened, Opened::Created, "{}", path.display());
        assert_same_dump(&dump(store.graph()), &dump(&seed_graph()));
        drop(store);
        assert!(
            !names_in(&path).iter().any(|n| n.contains("creating")),
            "the creation marker outlived the creation: {:?}",
            names_in(&path)
        );
    }
}

/// sled 0.34 reads the `snap.*` file whose name sorts last, and an unfinished
/// `snap.{lsn}.generating` sorts after the finished `snap.{lsn}` (spacejam/sled#1387): a process
/// killed while sled wrote one left a database that no longer opened.
#[test]
fn an_unfinished_sled_snapshot_is_not_taken_for_a_finished_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let expected = written_database(&path);
    let unfinished = path.join("snap.FFFFFFFFFFFFFFFF.generating");
    std::fs::write(&unfinished, b"half a snapsho").unwrap();
    assert_same_dump(&reopen_dump(&path), &expected);
    assert!(
        !unfinished.exists(),
        "the unfinished snapshot file is still there"
    );
}

/// A creation cut short leaves sled's files holding nothing, as damage to them can; only the
/// first may be finished by opening again.
#[test]
fn a_creation_cut_short_is_finished_on_the_next_open() {
    // What a kill after sled made its files, before the first snapshot was named, leaves.
    let fresh = tempfile::tempdir().unwrap();
    let cut = db_path(&fresh);
    with_raw_sled(&cut, |_| {});
    std::fs::write(cut.join("skillgraph.creating"), b"").unwrap();
    let (store, opened) = Store::open(&cut, seed_graph).unwrap();
    assert_eq!(opened, Opened::Created);
    assert_same_dump(&dump(store.graph()), &dump(&seed_graph()));
    drop(store);
    // The same files without the marker are damage: data may have been lost, so nothing is
    // silently replaced by the seed.
    let damaged = tempfile::tempdir().unwrap();
    let emptied = db_path(&damaged);
    with_raw_sled(&emptied, |_| {});
    let msg = expect_damaged(&emptied, "sled files holding nothing, no marker");
    assert!(msg.contains("hold no data"), "{msg}");
}

#[test]
fn writes_committed_at_sync_are_kept_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let mut store = open(&path);
    store.set_commit(Commit::AtSync);
    for i in 0..5 {
        store.apply(vec![numbered_skill(i)]).unwrap();
    }
    store.sync().unwrap();
    let expected = dump(store.graph());
    store.apply(vec![numbered_skill(5)]).unwrap();
    let with_sixth = dump(store.graph());
    // Dropping a store with writes not yet synced syncs them.
    drop(store);
    assert_ne!(expected, with_sixth);
    assert_same_dump(&reopen_dump(&path), &with_sixth);
}

#[test]
fn verify_answers_the_schema_the_database_holds_until_a_fold_writes_the_current_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    written_database(&path);
    assert_eq!(
        open_and_verify(&path).unwrap().verify().unwrap(),
        SCHEMA_VERSION
    );
    // A database of the schema before (its snapshot is read as it is).
    let older = SCHEMA_VERSION - 1;
    with_raw_sled(&path, |db| {
        db.insert("meta:schema", &older.to_be_bytes()).unwrap();
    });
    let mut store = open(&path);
    assert_eq!(store.verify().unwrap(), older);
    store.replace(seed_graph()).unwrap();
    assert_eq!(store.verify().unwrap(), SCHEMA_VERSION);
    drop(store);
    assert_eq!(
        open_and_verify(&path).unwrap().verify().unwrap(),
        SCHEMA_VERSION
    );
}
