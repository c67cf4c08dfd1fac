//! Embeds every `rules/*.toml` and `verifiers/*.toml` file into the binary.
//!
//! Each generated file holds one `(file name, contents)` pair per data file, in file-name
//! order, so the built-in rule set and verifiers are the same on every machine and need no
//! files at run time.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let rules_dir = manifest_dir.join("rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());

    let mut files: Vec<PathBuf> = fs::read_dir(&rules_dir)
        .expect("the rules/ directory is readable")
        .map(|entry| entry.expect("a rules/ entry is readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();

    let mut generated = String::from("/// Built-in rule files: (file name, TOML contents).\npub static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("rule file names are UTF-8");
        generated.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    generated.push_str("];\n");

    let out =
        PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_rules.rs");
    fs::write(out, generated).expect("OUT_DIR is writable");
    embed_toml_files(
        &manifest_dir.join("verifiers"),
        "BUILTIN_VERIFIER_FILES",
        "builtin_verifiers.rs",
    );
}

/// Writes `OUT_DIR/<output>` with a static `name` listing every `*.toml` file of `dir`.
fn embed_toml_files(dir: &std::path::Path, name: &str, output: &str) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("the data directory is readable")
        .map(|entry| entry.expect("a data directory entry is readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    let mut generated =
        format!("/// Built-in data files: (file name, TOML contents).\npub static {name}: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("data file names are UTF-8");
        generated.push_str(&format!(
            "    ({file_name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    generated.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join(output);
    fs::write(out, generated).expect("OUT_DIR is writable");
}
