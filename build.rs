fn main() {
    // Only the `torch` feature links libtorch (the rpath to it, and libtorch_cuda).
    if std::env::var_os("CARGO_FEATURE_TORCH").is_some() {
        calnet_build::link_libtorch();
    }
}
