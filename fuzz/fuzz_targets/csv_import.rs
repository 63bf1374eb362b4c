#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| skillgraph_fuzz::csv_import(data));
