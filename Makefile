# The project's commands. `make test` is the test command the README names; `make check` is what
# CI runs (.ci/run).

.PHONY: test check fmt fmt-check clippy lint-infra

# Every test, against a local moto server (scripts/test.sh installs and stops it).
test:
	scripts/test.sh

# What CI checks: formatting, lints, then every test.
check: fmt-check clippy test

fmt:
	cargo fmt --all

fmt-check:
	cargo fmt --all -- --check

clippy:
	cargo clippy --workspace --all-targets -- -D warnings

# The template checks alone (cfn-lint, checkov); `make test` runs them too.
lint-infra:
	scripts/lint-infra.sh
