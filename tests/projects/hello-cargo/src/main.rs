fn main() {
    println!("hello from hello-cargo");
}
