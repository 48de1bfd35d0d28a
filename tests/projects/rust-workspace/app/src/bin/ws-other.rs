fn main() {
    println!("{}", greet::greeting("ws-other"));
}
