//! `scripts/test.sh` (the `make test` command) fails when a step it names is missing, rather than
//! skipping it and reporting a suite that did not run as passed (issue 7, item 15).

use std::path::Path;
use std::process::Command;

#[test]
fn a_missing_step_fails_the_run_before_anything_is_installed() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let copy = tempfile::tempdir().unwrap();
    let scripts = copy.path().join("scripts");
    std::fs::create_dir(&scripts).unwrap();
    // Everything test.sh needs, except some of its named steps.
    for script in [
        "test.sh",
        "ensure-venv.sh",
        "bench-quick.sh",
        "deploy-check.sh",
    ] {
        std::fs::copy(
            repository.join("scripts").join(script),
            scripts.join(script),
        )
        .unwrap();
    }

    let run = Command::new("bash")
        .arg(scripts.join("test.sh"))
        .env_remove("MOTO_URL")
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains("missing step(s): scripts/lint-infra.sh scripts/web-test.sh"),
        "the failure names the missing step: {stderr}"
    );
    assert!(
        !copy.path().join(".venv-moto").exists(),
        "nothing was installed before the failure"
    );
}
