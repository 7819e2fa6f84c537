//! Keeps the layers of `award-app` (docs/ARCHITECTURE.md): every `crate::…` path in the source
//! (imports and paths written inline alike) may name only its own layer or a lower one, and a
//! stage (`stages/<stage>/…`) may name no other stage. A circle between modules cannot come back
//! unnoticed: it needs one of the two.
//!
//! The check reads the source as text, so it is cheap and needs no tool beyond the test runner.
//! Comment lines are skipped (a doc link up the layers is not a dependency); paths relative to a
//! module (`super::`, `self::`) stay inside the module's own folder, so only `crate::` paths are
//! read.

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
            "error",
            "export",
            "identity",
            "keys",
            "model",
            "pages",
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

/// Every `crate::` path of `source` as (its first segment, its stage when it names one). A group
/// (`crate::{a, b}`, `crate::stages::{x, y}`) gives one path per item.
fn paths(source: &str) -> Vec<(usize, String, Option<String>)> {
    // Groups may span lines (`use crate::{\n a,\n b\n};`): read the code as one text, keeping
    // the line of each path's start for the message.
    let lines: Vec<&str> = source.lines().map(code).collect();
    let text = lines.join("\n");
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut found = Vec::new();
    for (offset, _) in text.match_indices("crate::") {
        let before = text[..offset].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &text[offset + "crate::".len()..];
        let firsts = if rest.starts_with('{') {
            group(rest)
        } else {
            vec![ident(rest).to_owned()]
        };
        for first in firsts {
            let after = &rest[rest.find(&first).unwrap_or(0) + first.len()..];
            let stages = match (first.as_str(), after.strip_prefix("::")) {
                ("stages", Some(tail)) if tail.starts_with('{') => {
                    group(tail).into_iter().map(Some).collect()
                }
                ("stages", Some(tail)) => vec![Some(ident(tail).to_owned())],
                _ => vec![None],
            };
            for stage in stages {
                found.push((line_of(offset), first.clone(), stage));
            }
        }
    }
    found
}

/// What is wrong with the `crate::` paths of the file at `relative` (under `src/`).
fn violations(relative: &str, source: &str) -> Vec<String> {
    let (module, own_stage) = place(relative);
    let own = layer_of(&module);
    let mut wrong = Vec::new();
    for (line, first, stage) in paths(source) {
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
        // A doc link up the layers is not a dependency.
        ("model.rs", "/// see [`crate::events::sequencer_cmp`]\n"),
        ("api.rs", "fn f() {} // crate::routes joins the slices\n"),
    ];
    for (file, source) in right {
        assert_eq!(violations(file, source), Vec::<String>::new(), "{file}");
    }
}
