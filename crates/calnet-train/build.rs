fn main() {
    calnet_build::link_libtorch();
}
