# The two commands of the README. Each installs what it needs first (scripts/setup.sh), and is
# quick when everything is already there.
CARGO ?= cargo

.PHONY: demo test setup lint

setup:
	@bash scripts/setup.sh

demo: setup
	$(CARGO) build --release -p calnet-cli
	bash scripts/demo.sh

# --all-features: `train`/`evaluate` (calnet-cli's `torch`) and the training plots are tested too.
test: setup
	$(CARGO) test --workspace --all-targets --all-features
	$(CARGO) test --workspace --doc --all-features

lint: setup
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --workspace --all-features
