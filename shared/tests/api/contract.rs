//! The contract files in docs/ are generated from the Rust types; these fail when a checked-in
//! file is stale. `make openapi` rewrites them.

fn check(file: &str, generated: String) {
    let path = format!("{}/../docs/{file}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_CONTRACT").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "docs/{file} is stale: run `make openapi` and commit the result"
    );
}

#[test]
fn openapi_document_is_up_to_date() {
    check("openapi.json", shared::openapi::json().unwrap());
}

#[test]
fn websocket_contract_is_up_to_date() {
    check("websocket.json", shared::openapi::websocket_json().unwrap());
}
