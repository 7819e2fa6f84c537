# The project's commands. `make test` is the test command the README names; `make check` is what
# CI runs (.ci/run).

.PHONY: test check fmt fmt-check clippy lint-infra run demo web openapi

# Every test, against a local moto server (scripts/test.sh installs and stops it).
test:
	scripts/test.sh

# The whole system on 127.0.0.1:8787 with its pages: builds the pages when missing or stale, then
# starts the local runner (data in ./.local-data; sign in on the pages' development sign-in).
run: web
	cargo run -p award-local -- serve

# The same with a whole 2026 cycle already played (`award-local serve --demo`): the first run fills
# ./.demo-data (a few seconds), later runs serve it as it is; remove the folder to play it again.
demo: web
	cargo run -p award-local -- serve --demo

# The pages (web/dist), rebuilt only when a source or the lock file is newer than the build.
web:
	@cd web && if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
	@cd web && if [ ! -f dist/index.html ] || [ -n "$$(find src index.html vite.config.ts package-lock.json -newer dist/index.html -print -quit)" ]; then npm run build; fi

# The API's OpenAPI document (docs/openapi.json, built from the route table and the request and
# response types) and the pages' types generated from it (web/src/api/schema.ts, types.ts): run
# after changing a route or a type the API reads or answers; tests fail while either is stale.
openapi:
	UPDATE_OPENAPI=1 cargo test -p award-app --lib http::openapi
	cd web && npm run gen:api

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
