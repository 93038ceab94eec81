#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::ingest_wide_market_caps(data));
