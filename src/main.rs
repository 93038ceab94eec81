fn main() {
    indexlab::start();
}
