//! The crate's shape: its import graph has no cycle, at the level of files and of top-level
//! modules (so nothing imports upwards: adapter -> handler -> service -> repository, with
//! the wire contract at the bottom), and no file grows past ~400 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest a source file may be before it should be split.
const MAX_LINES: usize = 420;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `a/b.rs` and `a/b/mod.rs` are the module `a::b`; `lib.rs` is the root (empty).
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// Every path a file names through `crate::` or `super::`, with `use` groups expanded.
fn paths_named(text: &str, module: &[String]) -> Vec<Vec<String>> {
    // `super::` of `a::b::c` (a file) is `a::b`; of `a::b` (a mod.rs) it is `a`.
    let parent: Vec<String> = {
        let mut p = module.to_vec();
        p.pop();
        p
    };
    let mut out = Vec::new();
    for (start, prefix) in [("crate::", Vec::new()), ("super::", parent)] {
        let mut rest = text;
        while let Some(i) = rest.find(start) {
            // Not the tail of another identifier (e.g. `my_crate::`).
            let before = rest[..i].chars().last();
            rest = &rest[i + start.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            expand(rest, prefix.clone(), &mut out);
        }
    }
    out
}

/// Reads `a::b::{c, d::e}` (or `a::b`) from the start of `text`, adding each full path.
fn expand(text: &str, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut rest = text;
    loop {
        let ident: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            if let Some(group) = rest.strip_prefix('{') {
                let end = matching_brace(group);
                for part in split_top(&group[..end]) {
                    let part = part.trim();
                    if part == "self" {
                        out.push(prefix.clone());
                    } else if !part.is_empty() {
                        expand(part, prefix.clone(), out);
                    }
                }
                return;
            }
            out.push(prefix);
            return;
        }
        prefix.push(ident.clone());
        rest = &rest[ident.len()..];
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => {
                out.push(prefix);
                return;
            }
        }
    }
}

fn matching_brace(text: &str) -> usize {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return i,
            '}' => depth -= 1,
            _ => {}
        }
    }
    text.len()
}

fn split_top(text: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// The module a path lands in: its longest prefix that is a module of the crate. The root's
/// two re-exports count as the modules that define them.
fn resolve(path: &[String], modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    match path.first().map(String::as_str) {
        Some("Ctx") => return Some(vec!["ctx".to_owned()]),
        Some("ApiError") => return Some(vec!["error".to_owned()]),
        _ => {}
    }
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| modules.contains(p))
}

type Graph = BTreeMap<String, BTreeSet<String>>;

fn graph(top_level: bool) -> Graph {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let modules: BTreeSet<Vec<String>> = all.iter().map(|f| module_of(f)).collect();
    let name = |m: &[String]| {
        if top_level {
            m.first().cloned().unwrap_or_default()
        } else {
            m.join("::")
        }
    };
    let mut g = Graph::new();
    for file in &all {
        let module = module_of(file);
        if module.is_empty() {
            continue; // lib.rs only declares the modules.
        }
        let text = std::fs::read_to_string(file).unwrap();
        // Unit tests may reach anywhere; they are not part of the layering. Nor are comments.
        let code: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap_or("")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let text = code.as_str();
        let from = name(&module);
        for path in paths_named(text, &module) {
            let Some(to) = resolve(&path, &modules) else {
                continue;
            };
            // A module reaching its own children is how a parent declares them.
            if to.starts_with(&module) && !top_level {
                continue;
            }
            let to = name(&to);
            if !to.is_empty() && to != from {
                g.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    g
}

/// A cycle of `g`, if it has one.
fn find_cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &Graph,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_owned(), 1);
        stack.push(n.to_owned());
        for m in g.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|s| s == m).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, g, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(n, g, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn the_files_of_the_crate_import_each_other_without_a_cycle() {
    let g = graph(false);
    // The graph is read right: a few edges every reader would expect.
    for (from, to) in [
        ("service::messages", "repo::messages"),
        ("service::messages", "service::announce"),
        ("api::ws", "service::messages"),
        ("adapter::ws", "service::realtime"),
        (
            "service::notifications::batching",
            "service::notifications::render",
        ),
    ] {
        assert!(
            g.get(from).is_some_and(|t| t.contains(to)),
            "no edge {from} -> {to}: {g:?}"
        );
    }
    if let Some(cycle) = find_cycle(&g) {
        panic!("import cycle between files: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_top_level_modules_import_each_other_without_a_cycle() {
    let g = graph(true);
    if let Some(cycle) = find_cycle(&g) {
        panic!("import cycle between modules: {}", cycle.join(" -> "));
    }
    // The contract is the bottom: it imports nothing of the crate.
    assert!(g.get("contract").is_none_or(BTreeSet::is_empty), "{g:?}");
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let g: Graph = [
        ("a".to_owned(), ["b".to_owned()].into()),
        ("b".to_owned(), ["c".to_owned()].into()),
        ("c".to_owned(), ["a".to_owned()].into()),
    ]
    .into();
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let mut paths = Vec::new();
    expand(
        "service::{access::{self, x}, realtime};",
        Vec::new(),
        &mut paths,
    );
    assert_eq!(
        paths,
        vec![
            vec!["service".to_owned(), "access".to_owned()],
            vec!["service".to_owned(), "access".to_owned(), "x".to_owned()],
            vec!["service".to_owned(), "realtime".to_owned()],
        ]
    );
}

#[test]
fn no_source_file_is_longer_than_about_400_lines() {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let long: Vec<String> = all
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > MAX_LINES).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these: {long:?}");
}
