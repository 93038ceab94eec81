#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::share_link(data));
