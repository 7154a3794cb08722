//! `docs/openapi.json` is generated from the Rust types; this fails when it is stale.
//! `make openapi` rewrites it.

#[test]
fn openapi_document_is_up_to_date() {
    let path = format!("{}/../docs/openapi.json", env!("CARGO_MANIFEST_DIR"));
    let generated = shared::openapi::json().unwrap();
    if std::env::var_os("UPDATE_CONTRACT").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "docs/openapi.json is stale: run `make openapi` and commit the result"
    );
}
