//! Keeps the layers of `award-app` (docs/ARCHITECTURE.md): every `crate::…` path in the source
//! (imports and paths written inline alike) may name only its own layer or a lower one, and a
//! stage (`stages/<stage>/…`) may name no other stage. A circle between modules cannot come back
//! unnoticed: it needs one of the two.
//!
//! The check reads the source as text, so it is cheap and needs no tool beyond the test runner.
//! Comment lines are skipped (a doc link up the layers is not a dependency). A `super::` path is
//! resolved from the file's place to the path it names (`super::super::decision` in a stage's file
//! is `crate::stages::decision`), except in a file's `#[cfg(test)]` tail, where `super` is the file
//! itself; `self::` stays inside the file's own module.

use std::fs;
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module's layer is the one its first path segment is listed in;
/// anything at the crate root not listed (e.g. `App`, `AppConfig` in `lib.rs`) is the kernel's.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "kernel",
        &[
            "api",
            "audit",
            "batch",
            "daily",
            "error",
            "export",
            "identity",
            "keys",
            "model",
            "pages",
            "projection",
            "store",
            "templates",
            "validation",
        ],
    ),
    ("reads", &["reads"]),
    ("outbox", &["notices", "recipients"]),
    ("stage path", &["stage"]),
    ("stages", &["stages"]),
    ("event entry points", &["events"]),
    ("HTTP surface", &["http", "routes"]),
];

/// The layer of a module named by its first path segment under the crate root.
fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
        .unwrap_or(0)
}

/// Where a source file sits: its first module segment (`lib` for the crate root) and, under
/// `stages/`, its stage.
fn place(relative: &str) -> (String, Option<String>) {
    let mut parts = relative.trim_end_matches(".rs").split('/');
    let first = parts.next().unwrap_or_default().to_owned();
    let stage = (first == "stages")
        .then(|| parts.next().map(str::to_owned))
        .flatten()
        .filter(|stage| stage != "mod");
    (first, stage)
}

/// The module path of a file: `stages/decision/award.rs` is `stages::decision::award`,
/// `stages/decision/mod.rs` is `stages::decision`, `lib.rs` the crate root.
fn module_path(relative: &str) -> Vec<String> {
    let mut path: Vec<String> = relative
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_owned)
        .collect();
    if matches!(path.last().map(String::as_str), Some("mod" | "lib")) {
        path.pop();
    }
    path
}

/// The code of a line: nothing for a comment line, and a trailing `//` comment cut off (when it
/// is not inside a string).
fn code(line: &str) -> &str {
    let trimmed = line.trim_start();
    if trimmed.starts_with("//") {
        return "";
    }
    let mut quotes = 0;
    let bytes = line.as_bytes();
    for (i, byte) in bytes.iter().enumerate() {
        match byte {
            b'"' => quotes += 1,
            b'/' if quotes % 2 == 0 && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The identifier at the start of `text`.
fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first segments of the items of a `{…}` group at the start of `text` (only those at its
/// own depth: `{a, b::{c, d}}` gives `a`, `b`).
fn group(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0;
    let mut expect_name = true;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    expect_name = true;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => expect_name = true,
            c if depth == 1 && expect_name && (c.is_alphabetic() || c == '_') => {
                let name = ident(rest);
                names.push(name.to_owned());
                expect_name = false;
                rest = &rest[name.len()..];
                continue;
            }
            c if !c.is_whitespace() && depth == 1 => expect_name = false,
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    names
}

/// The segments a path names from `base` on, read from `rest` (the text after `base`'s
/// `crate::` or `super::`s): one path per item of a group (`{a, b::c}`), and the second segment
/// too (`stages::{x, y}`).
fn named(base: &[String], rest: &str) -> Vec<Vec<String>> {
    let firsts = if rest.starts_with('{') {
        group(rest)
    } else {
        vec![ident(rest).to_owned()]
    };
    let mut found = Vec::new();
    for first in firsts {
        let mut path = base.to_vec();
        path.push(first.clone());
        let after = &rest[rest.find(&first).unwrap_or(0) + first.len()..];
        match after.strip_prefix("::") {
            Some(tail) if tail.starts_with('{') => {
                for second in group(tail) {
                    let mut longer = path.clone();
                    longer.push(second);
                    found.push(longer);
                }
            }
            Some(tail) => {
                path.push(ident(tail).to_owned());
                found.push(path);
            }
            None => found.push(path),
        }
    }
    found
}

/// Every `crate::` path of `source`, and every `super::` path resolved from `module` (outside the
/// file's `#[cfg(test)]` tail), as (its line, its first segment, its stage when it names one).
fn paths(module: &[String], source: &str) -> Vec<(usize, String, Option<String>)> {
    // Groups may span lines (`use crate::{\n a,\n b\n};`): read the code as one text, keeping
    // the line of each path's start for the message.
    let lines: Vec<&str> = source.lines().map(code).collect();
    let text = lines.join("\n");
    let tests_from = text.find("\n#[cfg(test)]").unwrap_or(text.len());
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let starts_path = |offset: usize| {
        !text[..offset]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
    };
    let mut found = Vec::new();
    for (offset, _) in text.match_indices("crate::") {
        let dollar = text[..offset].ends_with('$');
        if !(starts_path(offset) || dollar) {
            continue;
        }
        for path in named(&[], &text[offset + "crate::".len()..]) {
            found.push((line_of(offset), path));
        }
    }
    for (offset, _) in text.match_indices("super::") {
        if offset >= tests_from || !starts_path(offset) {
            continue;
        }
        let mut rest = &text[offset..];
        let mut up = 0;
        while let Some(tail) = rest.strip_prefix("super::") {
            rest = tail;
            up += 1;
        }
        let base = &module[..module.len().saturating_sub(up)];
        for path in named(base, rest) {
            found.push((line_of(offset), path));
        }
    }
    found
        .into_iter()
        .map(|(line, path)| {
            let first = path.first().cloned().unwrap_or_default();
            let stage = (first == "stages").then(|| path.get(1).cloned()).flatten();
            (line, first, stage)
        })
        .collect()
}

/// What is wrong with the `crate::` paths of the file at `relative` (under `src/`).
fn violations(relative: &str, source: &str) -> Vec<String> {
    let (module, own_stage) = place(relative);
    let own = layer_of(&module);
    let mut wrong = Vec::new();
    for (line, first, stage) in paths(&module_path(relative), source) {
        let target = layer_of(&first);
        if target > own {
            wrong.push(format!(
                "{relative}:{line}: the {} names crate::{first} of the {} above it",
                LAYERS[own].0, LAYERS[target].0
            ));
        }
        if let (Some(own_stage), Some(stage)) = (&own_stage, &stage)
            && !stage.is_empty()
            && stage != own_stage
        {
            wrong.push(format!(
                "{relative}:{line}: stage {own_stage} names stage {stage}"
            ));
        }
    }
    wrong
}

/// Every `.rs` file below `root`.
fn sources(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = fs::read_dir(&folder)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", folder.display()));
        for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
            match path.extension() {
                _ if path.is_dir() => folders.push(path),
                Some(ext) if ext == "rs" => files.push(path),
                _ => {}
            }
        }
    }
    files
}

#[test]
fn no_layer_names_a_higher_one_and_no_stage_names_another() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = sources(&root);
    assert!(files.len() > 20, "the source was not found under {root:?}");
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let source = fs::read_to_string(file)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
        wrong.extend(violations(&relative, &source));
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers (docs/ARCHITECTURE.md):\n{}",
        wrong.join("\n")
    );
}

/// Every module of `src/` has a layer: a new top-level module must be placed in [`LAYERS`]
/// (else it would silently count as the kernel's).
#[test]
fn every_top_level_module_has_a_layer() {
    let lib = include_str!("../src/lib.rs");
    let listed: Vec<&str> = LAYERS
        .iter()
        .flat_map(|(_, modules)| modules.iter().copied())
        .collect();
    for line in lib.lines() {
        let declared = line.strip_prefix("pub mod ").or(line.strip_prefix("mod "));
        if let Some(name) = declared.and_then(|rest| rest.strip_suffix(';')) {
            assert!(
                listed.contains(&name),
                "module {name} has no layer in tests/layers.rs"
            );
        }
    }
}

/// The checker itself, on deliberately wrong imports: each must be caught, and the right ones
/// beside them must pass.
#[test]
fn the_checker_catches_wrong_imports() {
    let wrong = [
        // The error table naming a use case's type (the circle this test was written against).
        ("error.rs", "use crate::stages::register::RowIssue;\n"),
        // The stage path calling a stage for a setting.
        (
            "stage.rs",
            "fn f() { let p = crate::stages::aftercare::policy(app); }\n",
        ),
        // A read reaching up to the outbox, in a group spread over lines.
        (
            "reads/cycles.rs",
            "use crate::{\n    keys,\n    notices,\n};\n",
        ),
        // Two stages naming each other, directly and inside a group.
        (
            "stages/reviews/experts.rs",
            "use crate::stages::decision::award;\n",
        ),
        (
            "stages/cycles/mod.rs",
            "use crate::stages::{cycles::calendar, register};\n",
        ),
        // A stage reaching up to the HTTP surface.
        ("stages/board/routes.rs", "use crate::routes::find;\n"),
        // Out of a stage by `super::`: from a stage's file, and from its mod.rs.
        (
            "stages/reviews/experts.rs",
            "use super::super::decision::award;\n",
        ),
        ("stages/cycles/mod.rs", "use super::register;\n"),
    ];
    for (file, source) in wrong {
        assert!(
            !violations(file, source).is_empty(),
            "{file}: {source:?} was let through"
        );
    }
    let right = [
        ("stages/reviews/mod.rs", "use crate::reads::experts;\n"),
        (
            "stages/cycles/routes.rs",
            "use crate::stages::cycles::{self, calendar};\n",
        ),
        ("stage.rs", "use crate::{App, keys};\n"),
        ("routes.rs", "use crate::stages::{cycles, decision};\n"),
        ("stages/reviews/experts.rs", "use super::assignments;\n"),
        (
            "stages/decision/mod.rs",
            "fn f() {}\n#[cfg(test)]\nmod tests {\n    use super::award;\n}\n",
        ),
        // A doc link up the layers is not a dependency.
        ("model.rs", "/// see [`crate::events::sequencer_cmp`]\n"),
        ("api.rs", "fn f() {} // crate::routes joins the slices\n"),
    ];
    for (file, source) in right {
        assert_eq!(violations(file, source), Vec::<String>::new(), "{file}");
    }
}
