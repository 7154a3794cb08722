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

/// Every error code a response of the OpenAPI document names (in backticks) is a code of
/// `ErrorCode`, listed under the status that code always has.
#[test]
fn the_error_codes_the_openapi_document_names_exist_with_their_status() {
    use shared::contract::ErrorCode;
    let doc: serde_json::Value = serde_json::from_str(&shared::openapi::json().unwrap()).unwrap();
    let mut problems = Vec::new();
    let mut named = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(responses) = op["responses"].as_object() else {
                continue;
            };
            for (status, response) in responses {
                if status.starts_with('2') {
                    continue;
                }
                let description = response["description"].as_str().unwrap_or("");
                for code in description.split('`').skip(1).step_by(2) {
                    if !code.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                        continue;
                    }
                    named += 1;
                    match ErrorCode::parse(code) {
                        None => problems.push(format!(
                            "{method} {path} {status}: `{code}` is no ErrorCode"
                        )),
                        Some(c) if c.status().as_str() != status => problems.push(format!(
                            "{method} {path}: `{code}` is listed under {status} but is always {}",
                            c.status().as_u16()
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
    }
    assert!(named > 20, "the document names only {named} codes");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
