/// The greeting both binaries print.
pub fn greeting(who: &str) -> String {
    format!("hello, {who}, from greet")
}
