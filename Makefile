# The two commands of the README. Each installs what it needs first (scripts/setup.sh), and is
# quick when everything is already there.
CARGO ?= cargo

.PHONY: demo test setup lint

setup:
	@bash scripts/setup.sh

demo: setup
	$(CARGO) build --release -p calnet-cli
	bash scripts/demo.sh

test: setup
	$(CARGO) test --workspace --all-targets
	$(CARGO) test --workspace --doc

lint: setup
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --workspace
