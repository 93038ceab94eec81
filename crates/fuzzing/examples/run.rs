//! Runs one target body on files, on stable Rust, to reproduce a finding
//! with a readable panic message:
//!
//! `cargo run -p fuzzing --example run -- <target> <file>...`

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().expect("usage: run <target> <file>...");
    let target = fuzzing::target(&name).unwrap_or_else(|| {
        let names: Vec<&str> = fuzzing::TARGETS.iter().map(|t| t.name).collect();
        panic!("no target {name}; targets: {}", names.join(", "))
    });
    for path in args {
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        println!("{name} on {path} ({} bytes)", data.len());
        (target.run)(&data);
        println!("ok");
    }
}
