fn main() {
    println!("{}", greet::greeting("ws-hello"));
}
