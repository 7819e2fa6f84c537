//! Embeds every email template: walks `templates/` at build time and writes the list of
//! `(name, include_str!(path))` pairs that `templates.rs` loads, so adding a template is adding a
//! file, never a registration.

use std::path::{Path, PathBuf};
use std::{env, fs};

fn walk(dir: &Path, root: &Path, found: &mut Vec<(String, PathBuf)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, root, found);
        } else if matches!(
            path.extension().and_then(|ext| ext.to_str()),
            Some("txt" | "html")
        ) {
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            found.push((name, path));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let root = manifest.join("templates");
    println!("cargo:rerun-if-changed=templates");
    let mut found = Vec::new();
    walk(&root, &root, &mut found);
    let mut out = String::from("/// Every template file under `templates/`, by its path there.\n");
    out.push_str("pub(crate) static SOURCES: &[(&str, &str)] = &[\n");
    for (name, path) in &found {
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.to_string_lossy()
        ));
    }
    out.push_str("];\n");
    let target = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR")).join("templates.rs");
    fs::write(&target, out)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", target.display()));
}
