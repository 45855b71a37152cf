fn main() {
    // The `torch` feature links libtorch (the rpath to it, and libtorch_cuda). Without it, a
    // workspace build can still link libtorch through calnet-model's `torch`, turned on by
    // another package (calnet-train): the rpath, when libtorch is there, covers that.
    if std::env::var_os("CARGO_FEATURE_TORCH").is_some() {
        calnet_build::link_libtorch();
    } else {
        calnet_build::rpath_libtorch_if_present();
    }
}
