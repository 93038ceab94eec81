#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::ingest_per_coin_csv(data));
