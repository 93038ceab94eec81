//! Prints every lesson's readout at every dial value, for reviewing the
//! wording: `cargo run -p lessons --example readouts`.

use lessons::{Inputs, LESSONS};

fn main() {
    for (i, l) in LESSONS.iter().enumerate() {
        for &(label, v) in l.control.options {
            let setup = (l.setup)(v);
            let (panel, runs) = setup.run();
            let inputs = Inputs::of(&panel, &setup.strategies, &runs);
            println!("== {}. {} — {}: {label}", i + 1, l.title, l.control.label);
            match (l.readout)(&inputs) {
                Ok(r) => {
                    for line in &r.lines {
                        println!("  {line}");
                    }
                    if let Some(t) = &r.table {
                        println!("  | {} |", t.head.join(" | "));
                        for row in &t.rows {
                            println!("  | {} |", row.join(" | "));
                        }
                    }
                }
                Err(e) => println!("  error: {e}"),
            }
        }
    }
}
