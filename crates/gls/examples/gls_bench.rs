// The workspace's `examples/gls_bench.rs`, also buildable as `cargo run -p gls-periodogram --example
// gls_bench` without compiling the facade's heavier dependencies.
include!("../../../examples/gls_bench.rs");
