//! Power cuts, simulated (after ALICE, Pillai et al., OSDI 2014): each flow of `flows` runs once
//! under strace, which records every file-system call with the bytes written; from that record
//! the test builds the states a power cut may leave on disk, then opens each with the real
//! binary: it must open, pass `check`, and hold one of the flow's states with every write
//! acknowledged before the cut.
//!
//! strace because it sees sled's own calls (from its threads) and the store's alike, without
//! changing the program; `-y` names the file behind each descriptor, `-xx -s` prints the data.
//!
//! What a power cut may do, as the model here has it (the same as ALICE's for ext4 and XFS, but
//! without their data-ordering guarantees): a write, truncation or new name that no fsync has
//! covered yet may be lost. fsync of a file covers its earlier data writes (not its name);
//! fsync of a directory covers earlier creates, renames and unlinks in it. `sync_file_range`
//! covers nothing (it writes no metadata and does not flush the drive's cache, sled#1452).
//! Directory operations reach the disk in the order they were made (a journalled file system
//! commits them in order); data writes in any order. The states built at each crash point:
//! every in-order prefix of the uncovered operations; each such prefix with one operation left
//! out (with a directory operation, the later directory operations too); and each prefix whose
//! last write is torn: half of its bytes, or its bytes as zeros. A crash point is just before
//! each fsync, just after each acknowledgement, and the end.
//!
//! A state that fails is written out under the temp dir as `skillgraph-powercut-{flow}-{n}`;
//! `SKILLGRAPH_POWERCUT_DEBUG=1` prints each flow's recorded operations.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::flows::{self, Ack, Flow};
use crate::support::TestDb;

/// A directory tree in memory: names to inodes, inodes to bytes. Inodes outlive their names,
/// so a write to a file whose creation a state leaves out lands nowhere, as on a disk.
#[derive(Clone, Default)]
struct Fs {
    dirs: BTreeSet<PathBuf>,
    entries: BTreeMap<PathBuf, usize>,
    inodes: Vec<Rc<Vec<u8>>>,
}

#[derive(Clone, Debug)]
enum Op {
    Create {
        path: PathBuf,
        inode: usize,
    },
    Mkdir {
        path: PathBuf,
    },
    Rename {
        from: PathBuf,
        to: PathBuf,
    },
    Unlink {
        path: PathBuf,
    },
    Write {
        inode: usize,
        offset: u64,
        data: Rc<Vec<u8>>,
    },
    Truncate {
        inode: usize,
        len: u64,
    },
    SyncFile {
        inode: usize,
    },
    SyncDir {
        dir: PathBuf,
    },
    Ack,
}

impl Op {
    fn is_barrier(&self) -> bool {
        matches!(self, Op::SyncFile { .. } | Op::SyncDir { .. })
    }

    fn is_dir_op(&self) -> bool {
        matches!(
            self,
            Op::Create { .. } | Op::Mkdir { .. } | Op::Rename { .. } | Op::Unlink { .. }
        )
    }

    fn is_change(&self) -> bool {
        !self.is_barrier() && !matches!(self, Op::Ack)
    }

    /// Whether the barrier `self` makes the change `op` durable.
    fn covers(&self, op: &Op) -> bool {
        let parent = |p: &Path| p.parent().map(Path::to_path_buf).unwrap_or_default();
        match (self, op) {
            (
                Op::SyncFile { inode },
                Op::Write { inode: i, .. } | Op::Truncate { inode: i, .. },
            ) => inode == i,
            (
                Op::SyncDir { dir },
                Op::Create { path, .. } | Op::Mkdir { path } | Op::Unlink { path },
            ) => parent(path) == *dir,
            (Op::SyncDir { dir }, Op::Rename { from, to }) => {
                // Both names live in one directory in every flow; a rename across two would
                // need both synced, which this test does not claim to model.
                parent(from) == *dir && parent(to) == *dir
            }
            _ => false,
        }
    }
}

impl Fs {
    /// The tree at `root`; empty, without even the root, if there is nothing there.
    fn read(root: &Path) -> Fs {
        let mut fs = Fs::default();
        if root.exists() {
            fs.dirs.insert(PathBuf::new());
            fs.read_dir(root, Path::new(""));
        }
        fs
    }

    fn read_dir(&mut self, root: &Path, relative: &Path) {
        for entry in std::fs::read_dir(root.join(relative)).unwrap() {
            let entry = entry.unwrap();
            let path = relative.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                self.dirs.insert(path.clone());
                self.read_dir(root, &path);
            } else {
                self.inodes
                    .push(Rc::new(std::fs::read(entry.path()).unwrap()));
                self.entries.insert(path, self.inodes.len() - 1);
            }
        }
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Create { path, inode } => {
                while self.inodes.len() <= *inode {
                    self.inodes.push(Rc::default());
                }
                self.entries.insert(path.clone(), *inode);
            }
            Op::Mkdir { path } => {
                self.dirs.insert(path.clone());
            }
            Op::Rename { from, to } => {
                if let Some(inode) = self.entries.remove(from) {
                    self.entries.insert(to.clone(), inode);
                }
            }
            Op::Unlink { path } => {
                self.entries.remove(path);
            }
            Op::Write {
                inode,
                offset,
                data,
            } => {
                while self.inodes.len() <= *inode {
                    self.inodes.push(Rc::default());
                }
                let bytes = Rc::make_mut(&mut self.inodes[*inode]);
                let end = *offset as usize + data.len();
                if bytes.len() < end {
                    bytes.resize(end, 0);
                }
                bytes[*offset as usize..end].copy_from_slice(data);
            }
            Op::Truncate { inode, len } => {
                while self.inodes.len() <= *inode {
                    self.inodes.push(Rc::default());
                }
                Rc::make_mut(&mut self.inodes[*inode]).resize(*len as usize, 0);
            }
            Op::SyncFile { .. } | Op::SyncDir { .. } | Op::Ack => {}
        }
    }

    fn fingerprint(&self) -> u64 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.dirs.hash(&mut hasher);
        for (path, inode) in &self.entries {
            path.hash(&mut hasher);
            self.inodes[*inode].hash(&mut hasher);
        }
        hasher.finish()
    }

    fn write_to(&self, root: &Path) {
        std::fs::create_dir_all(root).unwrap();
        for dir in &self.dirs {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for (path, inode) in &self.entries {
            std::fs::write(root.join(path), &*self.inodes[*inode]).unwrap();
        }
    }

    /// The names and contents, for comparing two trees.
    fn listing(&self) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
        let mut listing: BTreeMap<PathBuf, Option<Vec<u8>>> =
            self.dirs.iter().map(|d| (d.clone(), None)).collect();
        for (path, inode) in &self.entries {
            listing.insert(path.clone(), Some(self.inodes[*inode].to_vec()));
        }
        listing
    }
}

// ---- reading strace's record ---------------------------------------------------------------------

/// Decodes strace's `-xx` escapes (`\x41`), all there is in a string or a `<path>` with it.
fn unescape(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 4);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'x') {
            let hex = std::str::from_utf8(&bytes[i + 2..i + 4]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// A quoted string argument; strace marks one it cut short with `...`, which must not happen.
fn string_arg(arg: &str) -> Vec<u8> {
    let arg = arg.trim();
    assert!(
        arg.starts_with('"') && arg.ends_with('"'),
        "a string argument was cut short or is not a string: {}",
        &arg[..arg.len().min(80)]
    );
    unescape(&arg[1..arg.len() - 1])
}

/// `3</tmp/x/db>` → (3, "/tmp/x/db"); `AT_FDCWD</tmp>` → (-100, "/tmp").
fn fd_arg(arg: &str) -> (i64, PathBuf) {
    let arg = arg.trim();
    let (number, rest) = arg.split_once('<').unwrap_or((arg, ""));
    let path = rest.strip_suffix('>').unwrap_or(rest);
    let path = std::ffi::OsStr::new(std::str::from_utf8(&unescape(path)).unwrap()).to_owned();
    let fd = if number == "AT_FDCWD" {
        -100
    } else {
        number.parse().unwrap_or(-1)
    };
    (fd, PathBuf::from(path))
}

/// Splits arguments at top-level commas (strings hold only `\x` escapes, so no commas).
fn split_args(args: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start, mut quoted) = (0i32, 0, false);
    for (i, c) in args.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' | '{' | '(' | '<' if !quoted => depth += 1,
            ']' | '}' | ')' | '>' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                parts.push(args[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(args[start..].trim());
    parts
}

struct Recorder {
    root: PathBuf,
    full: Fs,
    /// Open descriptors: the path behind them and the offset of the next `write`.
    fds: HashMap<i64, (PathBuf, u64)>,
    ops: Vec<Op>,
    ack: Ack,
    acknowledged: bool,
    range_syncs: usize,
}

impl Recorder {
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        path.strip_prefix(&self.root).ok().map(Path::to_path_buf)
    }

    fn resolve(&self, dirfd: Option<&str>, path: &[u8]) -> PathBuf {
        let path = PathBuf::from(std::str::from_utf8(path).unwrap());
        if path.is_absolute() {
            return path;
        }
        let (_, base) = fd_arg(dirfd.expect("a relative path needs a directory"));
        base.join(path)
    }

    fn push(&mut self, op: Op) {
        self.full.apply(&op);
        self.ops.push(op);
    }

    fn inode_of(&self, path: &Path) -> usize {
        *self
            .full
            .entries
            .get(path)
            .unwrap_or_else(|| panic!("no file {} in the model", path.display()))
    }

    fn write(&mut self, fd_text: &str, data: Vec<u8>, offset: Option<u64>) {
        let (fd, annotated) = fd_arg(fd_text);
        if fd == 1 || fd == 2 {
            let text = String::from_utf8_lossy(&data);
            let acks = match self.ack {
                Ack::Stdout => fd == 1,
                Ack::Stderr(wanted) => fd == 2 && text.contains(wanted),
                Ack::Nothing | Ack::Exit => false,
            };
            if acks && !self.acknowledged {
                self.acknowledged = true;
                self.ops.push(Op::Ack);
            }
            return;
        }
        let Some(relative) = self.relative(&annotated) else {
            return;
        };
        let position = self.fds.get(&fd).map_or(0, |(_, pos)| *pos);
        let offset = offset.unwrap_or(position);
        if let Some((_, pos)) = self.fds.get_mut(&fd) {
            if offset == position {
                *pos = position + data.len() as u64;
            }
        }
        let inode = self.inode_of(&relative);
        self.push(Op::Write {
            inode,
            offset,
            data: Rc::new(data),
        });
    }

    fn syscall(&mut self, name: &str, args: &str, ret: &str) {
        let ret = ret.trim();
        if ret.starts_with('-') {
            return; // failed
        }
        // A call that never returned (the process ended while a thread was in it) may have
        // done all of its work: a write is taken as whole, anything else as not done.
        let unfinished = ret.starts_with('?');
        if unfinished && !name.contains("write") {
            return;
        }
        let written = |data: &[u8]| -> usize {
            if unfinished {
                data.len()
            } else {
                ret.parse().unwrap()
            }
        };
        let a = split_args(args);
        match name {
            "open" | "openat" | "creat" => {
                let flags = match name {
                    "openat" => a[2],
                    "open" => a[1],
                    _ => "O_CREAT|O_TRUNC",
                };
                let (fd, path) = fd_arg(ret);
                self.fds.insert(fd, (path.clone(), 0));
                let Some(relative) = self.relative(&path) else {
                    return;
                };
                if self.full.dirs.contains(&relative) {
                    return;
                }
                if !self.full.entries.contains_key(&relative) {
                    assert!(
                        flags.contains("O_CREAT"),
                        "{name} of {} ({flags}), a file the model lacks",
                        relative.display()
                    );
                    let inode = self.full.inodes.len();
                    self.push(Op::Create {
                        path: relative,
                        inode,
                    });
                } else if flags.contains("O_TRUNC") {
                    let inode = self.inode_of(&relative);
                    self.push(Op::Truncate { inode, len: 0 });
                }
            }
            "write" => {
                let mut data = string_arg(a[1]);
                data.truncate(written(&data));
                self.write(a[0], data, None);
            }
            "pwrite64" => {
                let mut data = string_arg(a[1]);
                data.truncate(written(&data));
                self.write(a[0], data, Some(a[3].parse().unwrap()));
            }
            "writev" | "pwritev" => {
                let mut data = Vec::new();
                for piece in a[1].split("iov_base=").skip(1) {
                    let end = piece.find("\", iov_len").expect("an iovec") + 1;
                    data.extend(string_arg(&piece[..end]));
                }
                data.truncate(written(&data));
                let offset = (name == "pwritev").then(|| a[3].parse().unwrap());
                self.write(a[0], data, offset);
            }
            "lseek" => {
                let (fd, _) = fd_arg(a[0]);
                if let Some((_, pos)) = self.fds.get_mut(&fd) {
                    *pos = ret.parse().unwrap();
                }
            }
            "ftruncate" => {
                let (_, path) = fd_arg(a[0]);
                if let Some(relative) = self.relative(&path) {
                    let inode = self.inode_of(&relative);
                    self.push(Op::Truncate {
                        inode,
                        len: a[1].parse().unwrap(),
                    });
                }
            }
            "rename" | "renameat" | "renameat2" => {
                let (from, to) = if name == "rename" {
                    (
                        self.resolve(None, &string_arg(a[0])),
                        self.resolve(None, &string_arg(a[1])),
                    )
                } else {
                    (
                        self.resolve(Some(a[0]), &string_arg(a[1])),
                        self.resolve(Some(a[2]), &string_arg(a[3])),
                    )
                };
                match (self.relative(&from), self.relative(&to)) {
                    (Some(from), Some(to)) => self.push(Op::Rename { from, to }),
                    (None, None) => {}
                    _ => panic!("a rename into or out of the database directory"),
                }
            }
            "unlink" | "unlinkat" | "rmdir" => {
                let path = if name == "unlinkat" {
                    self.resolve(Some(a[0]), &string_arg(a[1]))
                } else {
                    self.resolve(None, &string_arg(a[0]))
                };
                if let Some(path) = self.relative(&path) {
                    if self.full.dirs.remove(&path) {
                        return; // no flow removes a directory; sled never does
                    }
                    self.push(Op::Unlink { path });
                }
            }
            "mkdir" | "mkdirat" => {
                let path = if name == "mkdirat" {
                    self.resolve(Some(a[0]), &string_arg(a[1]))
                } else {
                    self.resolve(None, &string_arg(a[0]))
                };
                if let Some(path) = self.relative(&path) {
                    self.push(Op::Mkdir { path });
                }
            }
            "fsync" | "fdatasync" => {
                let (_, path) = fd_arg(a[0]);
                if let Some(relative) = self.relative(&path) {
                    if self.full.dirs.contains(&relative) {
                        self.push(Op::SyncDir { dir: relative });
                    } else {
                        let inode = self.inode_of(&relative);
                        self.push(Op::SyncFile { inode });
                    }
                }
            }
            "sync_file_range" => self.range_syncs += 1,
            _ => {}
        }
    }
}

/// Runs `flow` on `db` under strace and returns the operations on the database directory.
fn record(flow: &Flow, db: &TestDb, initial: &Fs, log: &Path) -> (Vec<Op>, usize) {
    let root = db.path();
    let syscalls = "open,openat,creat,write,pwrite64,writev,pwritev,lseek,ftruncate,rename,\
                    renameat,renameat2,unlink,unlinkat,rmdir,mkdir,mkdirat,fsync,fdatasync,\
                    sync_file_range";
    let strace_args: Vec<String> = [
        "-f",
        "-qq",
        "-y",
        "-xx",
        "-s",
        "67108864",
        "-o",
        log.to_str().unwrap(),
        "-e",
        &format!("trace={syscalls}"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let out = flows::strace_command(db, flow, &strace_args)
        .output()
        .expect("run strace");
    assert!(
        out.status.success(),
        "{}: the traced run failed: {}",
        flow.name,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut recorder = Recorder {
        root: root.clone(),
        full: initial.clone(),
        fds: HashMap::new(),
        ops: Vec::new(),
        ack: flow.ack,
        acknowledged: false,
        range_syncs: 0,
    };
    let text = std::fs::read_to_string(log).unwrap();
    let mut unfinished: HashMap<String, String> = HashMap::new();
    let mut main_pid = None;
    for line in text.lines() {
        let (pid, rest) = line.split_once(' ').unwrap();
        let main = main_pid.get_or_insert_with(|| pid.to_string()).clone();
        let rest = rest.trim_start();
        if rest.starts_with("+++ exited with 0") && pid == main && flow.ack == Ack::Exit {
            recorder.ops.push(Op::Ack);
            continue;
        }
        if rest.starts_with("+++") || rest.starts_with("---") {
            continue;
        }
        let call = if let Some(head) = rest.strip_suffix(" <unfinished ...>") {
            unfinished.insert(pid.to_string(), head.to_string());
            continue;
        } else if let Some(tail) = rest.strip_prefix("<... ") {
            let tail = &tail[tail.find("resumed>").unwrap() + "resumed>".len()..];
            unfinished.remove(pid).expect("a resumed call was started") + tail
        } else {
            rest.to_string()
        };
        let open = call.find('(').unwrap();
        let name = &call[..open];
        // strace pads before ` = ` to line results up.
        let body = &call[open + 1..];
        let (args, ret) = body
            .rsplit_once(" = ")
            .and_then(|(args, ret)| Some((args.trim_end().strip_suffix(')')?, ret)))
            .unwrap_or((body, "?"));
        recorder.syscall(name, args, ret);
    }
    for call in unfinished.into_values() {
        let open = call.find('(').unwrap();
        recorder.syscall(&call[..open], &call[open + 1..], "?");
    }
    // The model must end where the real directory did, or it is not a model of this run.
    let mut replayed = initial.clone();
    for op in &recorder.ops {
        replayed.apply(op);
    }
    if std::env::var_os("SKILLGRAPH_POWERCUT_DEBUG").is_some() {
        for op in &recorder.ops {
            match op {
                Op::Write {
                    inode,
                    offset,
                    data,
                } => {
                    println!("write inode {inode} at {offset}, {} bytes", data.len())
                }
                other => println!("{other:?}"),
            }
        }
    }
    let (model, real) = (replayed.listing(), Fs::read(&root).listing());
    let differing: Vec<String> = model
        .keys()
        .chain(real.keys())
        .filter(|p| model.get(*p) != real.get(*p))
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        differing.is_empty(),
        "{}: replaying the record does not give the directory the run left: {differing:?}",
        flow.name
    );
    (recorder.ops, recorder.range_syncs)
}

/// Every state the model allows at each crash point, with how many acknowledgements came
/// before it, deduplicated by content (keeping the most acknowledged).
fn crash_states(initial: &Fs, ops: &[Op]) -> (usize, Vec<(Fs, usize)>) {
    let mut points: Vec<usize> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        if op.is_barrier() {
            points.push(i);
        } else if matches!(op, Op::Ack) {
            points.push(i + 1);
        }
    }
    points.push(ops.len());
    points.dedup();
    let mut built = 0;
    let mut unique: HashMap<u64, (Fs, usize)> = HashMap::new();
    for &point in &points {
        let acks = ops[..point].iter().filter(|o| matches!(o, Op::Ack)).count();
        let pending: Vec<usize> = (0..point)
            .filter(|&j| ops[j].is_change())
            .filter(|&j| !ops[j + 1..point].iter().any(|b| b.covers(&ops[j])))
            .collect();
        let durable = |j: usize| ops[j].is_change() && !pending.contains(&j);
        let mut build = |kept: &dyn Fn(usize) -> bool, torn: Option<(usize, bool)>| {
            let mut fs = initial.clone();
            for (j, op) in ops[..point].iter().enumerate() {
                if durable(j) || (pending.contains(&j) && kept(j)) {
                    match (torn, op) {
                        (
                            Some((t, zeros)),
                            Op::Write {
                                inode,
                                offset,
                                data,
                            },
                        ) if t == j => {
                            let data = if zeros {
                                vec![0; data.len()]
                            } else {
                                data[..data.len() / 2].to_vec()
                            };
                            fs.apply(&Op::Write {
                                inode: *inode,
                                offset: *offset,
                                data: Rc::new(data),
                            });
                        }
                        _ => fs.apply(op),
                    }
                }
            }
            built += 1;
            let entry = unique.entry(fs.fingerprint()).or_insert((fs, acks));
            entry.1 = entry.1.max(acks);
        };
        for length in 0..=pending.len() {
            let prefix = &pending[..length];
            build(&|j| prefix.contains(&j), None);
            for (k, &left_out) in prefix.iter().enumerate() {
                let dir_op = ops[left_out].is_dir_op();
                let dropped = |j: usize| {
                    j == left_out || (dir_op && ops[j].is_dir_op() && prefix[k..].contains(&j))
                };
                build(&|j| prefix.contains(&j) && !dropped(j), None);
            }
            if let Some(&last) = prefix.last() {
                if matches!(&ops[last], Op::Write { data, .. } if data.len() > 1) {
                    build(&|j| prefix.contains(&j), Some((last, false)));
                    build(&|j| prefix.contains(&j), Some((last, true)));
                }
            }
        }
    }
    (built, unique.into_values().collect())
}

#[test]
fn every_state_a_power_cut_can_leave_opens_with_every_acknowledged_write() {
    if flows::skip_without_strace("the power-cut test") {
        return;
    }
    let mut failures = Vec::new();
    for flow in flows::all() {
        let db = flow.copy();
        let initial = Fs::read(&db.path());
        let (ops, range_syncs) = record(&flow, &db, &initial, &db.dir().join("strace.log"));
        let (built, states) = crash_states(&initial, &ops);
        let mut reached = BTreeSet::new();
        for (i, (fs, acks)) in states.iter().enumerate() {
            let copy = TestDb::new();
            fs.write_to(&copy.path());
            let acknowledged = if *acks > 0 { flow.steps() } else { 0 };
            match flow.verify(&copy, acknowledged) {
                Ok(index) => {
                    reached.insert(index);
                }
                Err(e) => {
                    failures.push(format!("{}: crash state {i}: {e}", flow.name));
                    let keep =
                        std::env::temp_dir().join(format!("skillgraph-powercut-{}-{i}", flow.name));
                    let _ = std::fs::remove_dir_all(&keep);
                    fs.write_to(&keep);
                }
            }
        }
        println!(
            "power cut, {}: {} file-system operations ({} fsyncs, {} sync_file_range), {built} \
             crash states built, {} distinct ones checked; states reached: {reached:?} of 0..={}",
            flow.name,
            ops.iter().filter(|o| !matches!(o, Op::Ack)).count(),
            ops.iter().filter(|o| o.is_barrier()).count(),
            range_syncs,
            states.len(),
            flow.steps()
        );
    }
    assert!(
        failures.is_empty(),
        "{} crash states failed (kept under the temp dir as skillgraph-powercut-*):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
