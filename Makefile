# The two commands of the README. Each installs what it needs first (scripts/setup.sh), and is
# quick when everything is already there.
CARGO ?= cargo

.PHONY: demo test setup lint downstream python

setup:
	@bash scripts/setup.sh

# The demo needs Rust and a C compiler only: the default `calnet` runs the network on its own
# CPU engine, without libtorch or Python.
demo:
	@bash scripts/setup.sh demo
	$(CARGO) build --release -p calnet-cli
	bash scripts/demo.sh

# --all-features: `train`/`evaluate` (calnet-cli's `torch`) and the training plots are tested too.
test: setup
	$(CARGO) test --workspace --all-targets --all-features
	$(CARGO) test --workspace --doc --all-features
	$(MAKE) downstream
	$(MAKE) python

# The Python package (python/, its own cargo workspace): built and installed into .venv (cargo
# rebuilds nothing when python/target/ is current), then its pytest suite, which compares with
# the `calnet` binary the tests above built.
VENV_BIN = $(CURDIR)/.venv/bin
python: setup
	$(CARGO) build -p calnet-cli
	PATH="$(VENV_BIN):$$PATH" $(VENV_BIN)/python -m pip install --quiet --no-build-isolation ./python
	$(VENV_BIN)/python -m pytest -q python/tests

# examples/downstream: a crate outside the workspace that uses tess-io, gls and lc-prep with
# default features; it must run, and pull in no libtorch, OpenBLAS or plotting.
DOWNSTREAM = --manifest-path examples/downstream/Cargo.toml
downstream:
	$(CARGO) run --quiet $(DOWNSTREAM) --target-dir target/downstream
	@if $(CARGO) tree $(DOWNSTREAM) --prefix none -e normal,build | grep -E '^(torch-sys|openblas-src|plotters) '; then \
		echo "downstream: the crates above must not be in a default-features dependency tree"; exit 1; \
	fi

# Every crate in dependency order: `cargo package --workspace` packs and verifies each against
# the ones before it (a local registry stands in for crates.io).
lint: setup
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --workspace --all-features
	command -v cargo-machete >/dev/null || $(CARGO) install --locked cargo-machete
	cargo-machete
	# cargo treats the packed crates as registry crates, which never change for a version: it
	# reuses their unpacked sources (CARGO_HOME/registry/src/-HASH/NAME-0.1.0) and their build
	# artifacts on the next run even when the sources changed, so a second `make lint` would
	# verify against stale copies: clear both.
	rm -rf $${CARGO_HOME:-$$HOME/.cargo}/registry/src/-*/
	$(CARGO) clean $(foreach p,$(PACKAGES),-p $(p))
	$(CARGO) package --workspace
