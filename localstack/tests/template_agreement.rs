//! One function table (shared::routes), and everything else agrees with it: the packages
//! under functions/ (each `main` wiring its own entry with the runner of its trigger), the
//! OpenAPI document (a path for every REST route), and the SAM template (infra/template.yaml:
//! the same HTTP and WebSocket routes, each to the same function, every SQS worker fed by its
//! queue, every scheduled function on its schedule, every function deployed). On a mismatch
//! the failure lists both sides and, for a REST function the template lacks, the block to
//! paste into it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_yaml_ng::{Mapping, Value};
use shared::routes::{HTTP_ROUTES, SCHEDULED_JOBS, SQS_WORKERS, Schedule, Trigger, WS_ROUTES};

type RouteSet = BTreeSet<(String, String)>;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn template() -> Template {
    let path = workspace().join("infra/template.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    Template::parse(&text)
}

/// `(route key, function)` for every HTTP route in the route table.
fn table_http() -> RouteSet {
    HTTP_ROUTES
        .iter()
        .map(|r| (r.route_key(), r.function.to_owned()))
        .collect()
}

fn table_ws() -> RouteSet {
    WS_ROUTES
        .iter()
        .map(|r| (r.route_key.to_owned(), r.function.to_owned()))
        .collect()
}

fn packages() -> BTreeSet<String> {
    std::fs::read_dir(workspace().join("functions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn the_template_serves_the_same_http_routes_as_the_route_table() {
    let t = template();
    let deployed = t.http_routes();
    let table = table_http();
    if deployed != table {
        // A block for each function the template lacks altogether.
        let functions: BTreeSet<String> = t.functions().into_values().collect();
        let snippets: String = HTTP_ROUTES
            .iter()
            .filter(|r| !functions.contains(r.function))
            .map(|r| rest_function_block(r.function, r.method, r.path))
            .collect();
        let hint = if snippets.is_empty() {
            String::new()
        } else {
            format!("\nBlocks for infra/template.yaml (under \"REST functions\"):\n\n{snippets}")
        };
        panic!(
            "HTTP routes differ between shared/src/routes.rs and infra/template.yaml\n{}{hint}",
            diff(&table, &deployed)
        );
    }
}

#[test]
fn the_template_serves_the_same_websocket_routes_as_the_route_table() {
    let deployed = template().ws_routes();
    let table = table_ws();
    assert!(
        deployed == table,
        "WebSocket routes differ between shared/src/routes.rs and infra/template.yaml\n{}\n\
         A WebSocket route is five resources (copy those of WsPing: function, logs, integration, \
         route, permission) and an entry in WebSocketStage's DependsOn.",
        diff(&table, &deployed)
    );
}

#[test]
fn every_function_package_is_in_the_function_table_and_deployed() {
    let packages = packages();
    let deployed: BTreeSet<String> = template().functions().into_values().collect();
    let table: BTreeSet<String> = shared::routes::functions()
        .into_iter()
        .map(|(f, _, _)| f.to_owned())
        .collect();
    let mut problems = Vec::new();
    for p in packages.difference(&table) {
        problems.push(format!(
            "functions/{p} is not in the function table (shared/src/routes.rs)"
        ));
    }
    for f in table.difference(&packages) {
        problems.push(format!(
            "the function table names `{f}`, which is not a package under functions/"
        ));
    }
    for p in packages.difference(&deployed) {
        problems.push(format!(
            "functions/{p} is not deployed by infra/template.yaml"
        ));
    }
    for f in deployed.difference(&packages) {
        problems.push(format!(
            "infra/template.yaml deploys `{f}`, which is not a package under functions/"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_function_main_wires_its_own_entry_with_the_runner_of_its_trigger() {
    let mut problems = Vec::new();
    for (function, trigger, constant) in shared::routes::functions() {
        let path = workspace().join(format!("functions/{function}/src/main.rs"));
        let Ok(main) = std::fs::read_to_string(&path) else {
            problems.push(format!("functions/{function}/src/main.rs is missing"));
            continue;
        };
        let runner = match trigger {
            Trigger::Http => "run_http",
            Trigger::WebSocket => "run_ws",
            Trigger::Sqs => "run_sqs",
            Trigger::Schedule => "run_job",
            Trigger::Invoked => "run_migrate",
        };
        let wiring = format!("shared::runtime::{runner}(shared::routes::{constant})");
        if !main.contains(&wiring) {
            problems.push(format!(
                "functions/{function}/src/main.rs must call `{wiring}`"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_openapi_document_has_a_path_for_every_rest_route_and_no_other() {
    use utoipa::OpenApi as _;
    let doc = shared::openapi::ApiDoc::openapi();
    let documented: BTreeSet<(String, String)> = doc
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            let methods = [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ];
            methods
                .into_iter()
                .filter(|(_, present)| *present)
                .map(|(m, _)| (m.to_owned(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let table: BTreeSet<(String, String)> = HTTP_ROUTES
        .iter()
        .filter(|r| r.path != "$default")
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let missing: Vec<_> = table.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&table).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "OpenAPI (shared/src/openapi.rs) and the route table differ\n\
         routes without a documented path: {missing:?}\n\
         documented paths without a route: {extra:?}"
    );
}

#[test]
fn every_scheduled_function_runs_on_its_schedule_in_the_template() {
    let t = template();
    let functions = t.functions();
    let mut problems = Vec::new();
    for job in SCHEDULED_JOBS {
        let Some((id, events)) = t.events_of(&functions, job.function, "Schedule") else {
            problems.push(format!("{}: not deployed", job.function));
            continue;
        };
        let on_schedule = events
            .iter()
            .map(|e| &e["Properties"]["Schedule"])
            .any(|s| match job.schedule {
                Schedule::Expression(expr) => s.as_str() == Some(expr),
                Schedule::Parameter(param) => ref_target(s) == Some(param),
            });
        if !on_schedule {
            problems.push(format!(
                "{id}: {} needs an Events entry of Type Schedule with Schedule {:?}",
                job.function, job.schedule
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_function_is_packaged_from_the_one_build_and_logs_to_a_group_with_retention() {
    let t = template();
    let mut problems = Vec::new();
    for (id, res) in t.of_type("AWS::Serverless::Function") {
        let meta = &res["Metadata"];
        // `sam build` runs infra/Makefile's build-<LogicalId>, which copies the bootstrap of
        // the binary it derives from the logical id (make lambda-build built them all).
        if meta["BuildMethod"].as_str() != Some("makefile")
            || meta["ContextPath"].as_str() != Some(".")
        {
            problems.push(format!(
                "{id}: Metadata must be {{ BuildMethod: makefile, ContextPath: ., ... }} (infra/Makefile)"
            ));
        }
        let Some(binary) = meta["BuildProperties"]["Binary"].as_str() else {
            problems.push(format!("{id}: Metadata.BuildProperties.Binary is missing"));
            continue;
        };
        if id != format!("{}Function", pascal(binary)) {
            problems.push(format!(
                "{id}: infra/Makefile finds the binary by the logical id: name it {}Function",
                pascal(binary)
            ));
        }
        // The deploy migrates first (the Migrations custom resource runs migrate).
        let depends_on = match &res["DependsOn"] {
            Value::String(one) => vec![one.as_str()],
            Value::Sequence(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if binary != "migrate" && !depends_on.contains(&"Migrations") {
            problems.push(format!(
                "{id}: add `DependsOn: Migrations` (no new code on an old schema)"
            ));
        }
        let code_uri = res["Properties"]["CodeUri"].as_str();
        if code_uri != Some(&format!("../functions/{binary}")) {
            problems.push(format!(
                "{id}: CodeUri is {code_uri:?}, expected ../functions/{binary} (its package)"
            ));
        }
        let group = ref_target(&res["Properties"]["LoggingConfig"]["LogGroup"]);
        let retained = group
            .and_then(|g| t.resources.get(g))
            .filter(|g| g["Type"].as_str() == Some("AWS::Logs::LogGroup"))
            .is_some_and(|g| !g["Properties"]["RetentionInDays"].is_null());
        if !retained {
            problems.push(format!(
                "{id}: LoggingConfig.LogGroup must !Ref a log group of its own with RetentionInDays"
            ));
        }
    }
    let globals = &t.root["Globals"]["Function"];
    if globals["LoggingConfig"]["LogFormat"].as_str() != Some("JSON") {
        problems.push("Globals: LoggingConfig.LogFormat must be JSON".to_owned());
    }
    if globals["Environment"]["Variables"]["LOG_FORMAT"].as_str() != Some("json") {
        problems.push("Globals: LOG_FORMAT must be json".to_owned());
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_functions_get_secret_ids_read_them_at_cold_start_and_require_database_tls() {
    let t = template();
    let vars = &t.root["Globals"]["Function"]["Environment"]["Variables"];
    for (id_var, value_var) in [
        ("JWT_SECRET_ID", "JWT_SECRET"),
        ("DATABASE_SECRET_ID", "DATABASE_URL"),
    ] {
        assert!(!vars[id_var].is_null(), "Globals set no {id_var}");
        assert!(
            vars[value_var].is_null(),
            "Globals set {value_var}: the value would sit in every function's configuration"
        );
        for (id, res) in t.of_type("AWS::Serverless::Function") {
            let own = &res["Properties"]["Environment"]["Variables"];
            assert!(
                own[value_var].is_null() && own[id_var].is_null(),
                "{id} sets {value_var} or {id_var} itself; they belong in Globals"
            );
        }
    }
    assert_eq!(vars["DATABASE_SSLMODE"].as_str(), Some("require"));
    for (id, res) in t.of_type("AWS::Serverless::Function") {
        let policies = res["Properties"]["Policies"].as_sequence();
        let reads = policies.is_some_and(|p| {
            p.iter()
                .any(|p| intrinsic(p, "Ref").and_then(Value::as_str) == Some("ReadSecretsPolicy"))
        });
        assert!(
            reads,
            "{id} lacks ReadSecretsPolicy: its cold start could not read the secrets"
        );
    }
    for (id, proxy) in t.of_type("AWS::RDS::DBProxy") {
        assert_eq!(
            proxy["Properties"]["RequireTLS"].as_bool(),
            Some(true),
            "{id} must require TLS"
        );
    }
}

#[test]
fn the_websocket_stage_deploys_itself_once_its_routes_exist() {
    let t = template();
    let stages: Vec<_> = t
        .of_type("AWS::ApiGatewayV2::Stage")
        .filter(|(_, s)| t.is_websocket_api(&s["Properties"]["ApiId"]))
        .collect();
    assert_eq!(stages.len(), 1, "the WebSocket API needs exactly one stage");
    let (id, stage) = stages[0];
    assert_eq!(
        stage["Properties"]["AutoDeploy"].as_bool(),
        Some(true),
        "{id}: AutoDeploy must be true, or route changes are never deployed"
    );
    // API Gateway refuses to deploy a WebSocket API that has no routes yet.
    let depends_on: BTreeSet<&str> = match &stage["DependsOn"] {
        Value::String(one) => [one.as_str()].into(),
        Value::Sequence(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => BTreeSet::new(),
    };
    let missing: Vec<_> = t
        .ws_route_resources()
        .into_iter()
        .map(|(route_id, _, _)| route_id)
        .filter(|route_id| !depends_on.contains(route_id))
        .collect();
    assert!(missing.is_empty(), "{id}: add to DependsOn: {missing:?}");
}

#[test]
fn functions_that_push_get_both_the_endpoint_and_the_permission() {
    let t = template();
    for (id, f) in t.of_type("AWS::Serverless::Function") {
        let endpoint =
            !f["Properties"]["Environment"]["Variables"]["WS_MANAGEMENT_ENDPOINT"].is_null();
        let allowed = f["Properties"]["Policies"].as_sequence().is_some_and(|p| {
            p.iter()
                .any(|p| ref_target(p) == Some("WebSocketPushPolicy"))
        });
        assert_eq!(
            endpoint, allowed,
            "{id}: a function that pushes needs WS_MANAGEMENT_ENDPOINT and \
             Policies: [!Ref WebSocketPushPolicy]; one that does not, neither"
        );
    }
}

#[test]
fn every_sqs_worker_is_fed_by_a_queue_and_reports_partial_batch_failures() {
    let t = template();
    let functions = t.functions();
    let mut problems = Vec::new();
    for worker in SQS_WORKERS {
        let Some((id, sqs)) = t.events_of(&functions, worker.function, "SQS") else {
            problems.push(format!("{}: not deployed", worker.function));
            continue;
        };
        if sqs.is_empty() {
            problems.push(format!(
                "{id}: {} needs an Events entry of Type SQS",
                worker.function
            ));
        }
        for event in sqs {
            let reports = event["Properties"]["FunctionResponseTypes"]
                .as_sequence()
                .is_some_and(|s| {
                    s.iter()
                        .any(|v| v.as_str() == Some("ReportBatchItemFailures"))
                });
            if !reports {
                problems.push(format!(
                    "{id}: its SQS event needs FunctionResponseTypes: [ReportBatchItemFailures] \
                     (the worker reports the records to retry)"
                ));
            }
            let queue = intrinsic(&event["Properties"]["Queue"], "GetAtt").and_then(|v| match v {
                Value::String(s) => s.split('.').next().map(str::to_owned),
                Value::Sequence(parts) => parts.first().and_then(Value::as_str).map(str::to_owned),
                _ => None,
            });
            let redriven = queue
                .as_deref()
                .and_then(|q| t.resources.get(q))
                .is_some_and(|q| {
                    !q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"].is_null()
                });
            if !redriven {
                problems.push(format!(
                    "{id}: its SQS event must name a queue of this template (!GetAtt <Queue>.Arn) \
                     with a RedrivePolicy to a dead-letter queue"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The reading of WebSocket routes, on a template small enough to see whole.
/// The queue a `!GetAtt Queue.Arn` / `!GetAtt Queue.QueueName` names.
fn getatt_resource(v: &Value) -> Option<&str> {
    let arg = intrinsic(v, "GetAtt")?;
    match arg {
        Value::String(s) => s.split('.').next(),
        Value::Sequence(parts) => parts.first()?.as_str(),
        _ => None,
    }
}

#[test]
fn every_dead_letter_queue_raises_an_alarm() {
    let t = template();
    let dlqs: BTreeSet<&str> = t
        .of_type("AWS::SQS::Queue")
        .filter_map(|(_, q)| {
            getatt_resource(&q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
        })
        .collect();
    assert!(!dlqs.is_empty());
    let watched: BTreeSet<&str> = t
        .of_type("AWS::CloudWatch::Alarm")
        .filter(|(_, a)| {
            a["Properties"]["MetricName"].as_str() == Some("ApproximateNumberOfMessagesVisible")
        })
        .filter(|(_, a)| !a["Properties"]["AlarmActions"].is_null())
        .flat_map(|(_, a)| {
            a["Properties"]["Dimensions"]
                .as_sequence()
                .into_iter()
                .flatten()
        })
        .filter_map(|d| getatt_resource(&d["Value"]))
        .collect();
    let missing: Vec<_> = dlqs.difference(&watched).collect();
    assert!(
        missing.is_empty(),
        "dead-letter queues without an alarm: {missing:?}"
    );
    for metric in [
        "Errors",
        "Throttles",
        "5xx",
        "ExecutionError",
        "ClientConnections",
    ] {
        assert!(
            t.of_type("AWS::CloudWatch::Alarm")
                .any(|(_, a)| a["Properties"]["MetricName"].as_str() == Some(metric)),
            "no alarm on {metric}"
        );
    }
}

#[test]
fn the_spa_is_private_behind_cloudfront_with_the_security_headers() {
    let t = template();
    let dist = &t.resources["SpaDistribution"]["Properties"]["DistributionConfig"];
    let origin = &dist["Origins"][0];
    assert_eq!(getatt_resource(&origin["DomainName"]), Some("SpaBucket"));
    assert_eq!(
        getatt_resource(&origin["OriginAccessControlId"]),
        Some("SpaOriginAccessControl")
    );
    let behaviour = &dist["DefaultCacheBehavior"];
    assert_eq!(
        behaviour["ViewerProtocolPolicy"].as_str(),
        Some("https-only")
    );
    assert_eq!(
        ref_target(&behaviour["ResponseHeadersPolicyId"]),
        Some("SpaSecurityHeaders")
    );
    let fallbacks: Vec<_> = dist["CustomErrorResponses"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|r| (r["ErrorCode"].as_u64(), r["ResponsePagePath"].as_str()))
        .collect();
    assert!(
        fallbacks.contains(&(Some(403), Some("/index.html"))),
        "SPA routing: {fallbacks:?}"
    );
    let bucket = &t.resources["SpaBucket"]["Properties"]["PublicAccessBlockConfiguration"];
    for key in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(bucket[key].as_bool(), Some(true), "SpaBucket {key}");
    }
    let headers = &t.resources["SpaSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"];
    let csp = sub_string(&headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]).unwrap();
    for part in [
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "${HttpApi.ApiEndpoint}",
        "wss://${WebSocketApi}.execute-api",
    ] {
        assert!(csp.contains(part), "the CSP lacks {part}: {csp}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert!(headers["ContentTypeOptions"]["Override"].as_bool() == Some(true));
    assert!(!headers["ReferrerPolicy"]["ReferrerPolicy"].is_null());
    assert!(
        headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"].as_u64() >= Some(31_536_000)
    );
}

#[test]
fn the_deploy_runs_the_migrations_when_the_migrate_binary_changes() {
    let t = template();
    let migrations = &t.resources["Migrations"];
    assert_eq!(migrations["Type"].as_str(), Some("Custom::Migrations"));
    assert_eq!(
        ref_target(&migrations["Properties"]["ServiceToken"]),
        Some("MigrateFunction.Alias")
    );
    // A new version of migrate (AutoPublishAlias) is a new value, so CloudFormation updates
    // the resource, which runs the migrations.
    assert_eq!(
        ref_target(&migrations["Properties"]["MigrateVersion"]),
        Some("MigrateFunction.Version")
    );
    assert!(t.resources["MigrateFunction"]["Properties"]["AutoPublishAlias"].is_string());
}

#[test]
fn websocket_routes_are_read_through_their_integrations() {
    let t = Template::parse(
        r#"
Resources:
  Ws: { Type: AWS::ApiGatewayV2::Api, Properties: { ProtocolType: WEBSOCKET } }
  Http: { Type: AWS::ApiGatewayV2::Api, Properties: { ProtocolType: HTTP } }
  ConnectFunction:
    Type: AWS::Serverless::Function
    Metadata: { BuildMethod: makefile, ContextPath: ., BuildProperties: { Binary: ws-connect } }
  ConnectIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Ws
      IntegrationUri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ConnectFunction.Arn}/invocations
  ConnectRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: { ApiId: !Ref Ws, RouteKey: $connect, Target: !Sub "integrations/${ConnectIntegration}" }
  ConnectPermission:
    Type: AWS::Lambda::Permission
    Properties: { FunctionName: !Ref ConnectFunction, Principal: apigateway.amazonaws.com }
  OtherRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: { ApiId: { Ref: Http }, RouteKey: GET /x, Target: { "Fn::Sub": "integrations/${ConnectIntegration}" } }
"#,
    );
    let expected: RouteSet = [("$connect".to_owned(), "ws-connect".to_owned())].into();
    assert_eq!(t.ws_routes(), expected);
}

// ----------------------------------------------------------------------------------------

struct Template {
    root: Value,
    resources: Mapping,
}

impl Template {
    fn parse(text: &str) -> Self {
        let root: Value = serde_yaml_ng::from_str(text).unwrap();
        let resources = root["Resources"].as_mapping().cloned().unwrap_or_default();
        Self { root, resources }
    }

    /// The logical id of the function deployed as `binary`, and its events of type `ty`.
    fn events_of<'a>(
        &'a self,
        functions: &'a BTreeMap<String, String>,
        binary: &str,
        ty: &str,
    ) -> Option<(&'a String, Vec<&'a Value>)> {
        let (id, _) = functions.iter().find(|(_, b)| *b == binary)?;
        let events = &self.resources[id.as_str()]["Properties"]["Events"];
        let of_type = events
            .as_mapping()
            .into_iter()
            .flat_map(|m| m.values())
            .filter(|e| e["Type"].as_str() == Some(ty))
            .collect();
        Some((id, of_type))
    }

    fn of_type<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.resources
            .iter()
            .filter(move |(_, r)| r["Type"].as_str() == Some(ty))
            .map(|(id, r)| (id.as_str().unwrap(), r))
    }

    /// Logical id -> binary of every function.
    fn functions(&self) -> BTreeMap<String, String> {
        self.of_type("AWS::Serverless::Function")
            .map(|(id, r)| {
                let binary = r["Metadata"]["BuildProperties"]["Binary"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{id}: Metadata.BuildProperties.Binary is missing"));
                (id.to_owned(), binary.to_owned())
            })
            .collect()
    }

    fn is_websocket_api(&self, api_id: &Value) -> bool {
        ref_target(api_id)
            .and_then(|id| self.resources.get(id))
            .is_some_and(|api| {
                api["Type"].as_str() == Some("AWS::ApiGatewayV2::Api")
                    && api["Properties"]["ProtocolType"].as_str() == Some("WEBSOCKET")
            })
    }

    /// `(route key, binary)` of every HttpApi event, as API Gateway names the route.
    fn http_routes(&self) -> RouteSet {
        let functions = self.functions();
        let mut routes = RouteSet::new();
        for (id, f) in self.of_type("AWS::Serverless::Function") {
            let binary = &functions[id];
            let Some(events) = f["Properties"]["Events"].as_mapping() else {
                continue;
            };
            for (_, event) in events {
                if event["Type"].as_str() != Some("HttpApi") {
                    continue;
                }
                let p = &event["Properties"];
                let api = ref_target(&p["ApiId"]);
                assert!(
                    api.and_then(|a| self.resources.get(a))
                        .is_some_and(|a| a["Type"].as_str() == Some("AWS::Serverless::HttpApi")),
                    "{id}: an HttpApi event must name the API with ApiId: !Ref <the HttpApi>"
                );
                let method = p["Method"].as_str().unwrap_or("").to_ascii_uppercase();
                let path = p["Path"].as_str().unwrap_or("");
                let key = if path == "$default" {
                    assert_eq!(method, "ANY", "{id}: the $default route takes Method: ANY");
                    "$default".to_owned()
                } else {
                    format!("{method} {path}")
                };
                routes.insert((key, binary.clone()));
            }
        }
        routes
    }

    /// `(route key, binary)` of every route on a WebSocket API.
    fn ws_routes(&self) -> RouteSet {
        self.ws_route_resources()
            .into_iter()
            .map(|(_, key, binary)| (key.to_owned(), binary))
            .collect()
    }

    /// `(logical id, route key, binary)` of every route on a WebSocket API, following
    /// route -> Target `integrations/${Integration}` -> IntegrationUri `${Function.Arn}`.
    fn ws_route_resources(&self) -> Vec<(&str, &str, String)> {
        let functions = self.functions();
        let mut routes = Vec::new();
        for (id, route) in self.of_type("AWS::ApiGatewayV2::Route") {
            let p = &route["Properties"];
            if !self.is_websocket_api(&p["ApiId"]) {
                continue;
            }
            let key = p["RouteKey"].as_str().unwrap();
            let integration = sub_string(&p["Target"])
                .and_then(|s| s.strip_prefix("integrations/${"))
                .and_then(|s| s.strip_suffix('}'))
                .unwrap_or_else(|| {
                    panic!("{id}: write Target as !Sub integrations/${{<Integration>}}")
                });
            let uri = sub_string(&self.resources[integration]["Properties"]["IntegrationUri"])
                .unwrap_or_else(|| panic!("{integration}: write IntegrationUri with !Sub"));
            let function = placeholders(uri)
                .filter_map(|ph| ph.strip_suffix(".Arn"))
                .find(|f| functions.contains_key(*f))
                .unwrap_or_else(|| {
                    panic!("{integration}: IntegrationUri names no function's ${{<Function>.Arn}}")
                });
            let permitted = self.of_type("AWS::Lambda::Permission").any(|(_, perm)| {
                ref_target(&perm["Properties"]["FunctionName"]) == Some(function)
                    && perm["Properties"]["Principal"].as_str() == Some("apigateway.amazonaws.com")
            });
            assert!(
                permitted,
                "{function} serves WebSocket route {key} but no AWS::Lambda::Permission lets \
                 API Gateway invoke it"
            );
            routes.push((id, key, functions[function].clone()));
        }
        routes
    }
}

/// An intrinsic function call in either spelling: `!Name arg` or `{"Fn::Name": arg}`
/// (`{"Ref": arg}` for Ref).
fn intrinsic<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    match v {
        Value::Tagged(t) if t.tag == name => Some(&t.value),
        Value::Mapping(m) if m.len() == 1 => {
            let long = if name == "Ref" {
                name.to_owned()
            } else {
                format!("Fn::{name}")
            };
            m.get(long.as_str())
        }
        _ => None,
    }
}

fn ref_target(v: &Value) -> Option<&str> {
    intrinsic(v, "Ref").and_then(Value::as_str)
}

/// The template string of a `!Sub`, whether written `!Sub "..."` or `!Sub ["...", {...}]`.
fn sub_string(v: &Value) -> Option<&str> {
    let arg = intrinsic(v, "Sub")?;
    arg.as_str()
        .or_else(|| arg.as_sequence()?.first()?.as_str())
}

/// The `${...}` names in a `!Sub` template string.
fn placeholders(s: &str) -> impl Iterator<Item = &str> {
    s.split("${")
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

fn diff(table: &RouteSet, deployed: &RouteSet) -> String {
    let lines = |set: BTreeSet<&(String, String)>| -> String {
        if set.is_empty() {
            return "    (none)\n".to_owned();
        }
        set.iter()
            .map(|(key, f)| format!("    {key} -> {f}\n"))
            .collect()
    };
    format!(
        "  in the route table but not the template:\n{}  in the template but not the route table:\n{}",
        lines(table.difference(deployed).collect()),
        lines(deployed.difference(table).collect()),
    )
}

fn pascal(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rest_function_block(function: &str, method: &str, path: &str) -> String {
    let id = pascal(function);
    let path = if path.contains('{') {
        format!("\"{path}\"")
    } else {
        path.to_owned()
    };
    format!(
        "  {id}Function:
    Type: AWS::Serverless::Function
    DependsOn: Migrations # new code only on the migrated schema
    Metadata: {{ BuildMethod: makefile, ContextPath: ., BuildProperties: {{ Binary: {function} }} }}
    Properties:
      CodeUri: ../functions/{function}
      LoggingConfig: {{ LogGroup: !Ref {id}Logs }}
      Events:
        Route: {{ Type: HttpApi, Properties: {{ ApiId: !Ref HttpApi, Method: {method}, Path: {path} }} }}
  {id}Logs: {{ Type: AWS::Logs::LogGroup, Properties: {{ RetentionInDays: !Ref LogRetentionDays }} }}

"
    )
}

/// The release profile the bootstraps are built with (`cargo lambda build --release`) says
/// `panic = "unwind"` itself: cargo-lambda fills in `panic = "abort"` where the profile is
/// silent, and an aborting function dies on a handler's panic instead of answering the 500
/// its adapter makes of it.
#[test]
fn the_shipped_functions_unwind_on_a_panic() {
    let manifest = std::fs::read_to_string(workspace().join("Cargo.toml")).unwrap();
    let release: Vec<&str> = manifest
        .lines()
        .skip_while(|l| l.trim() != "[profile.release]")
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .map(str::trim)
        .collect();
    assert!(
        release.contains(&"panic = \"unwind\""),
        "[profile.release] must set panic = \"unwind\"; it has: {release:?}"
    );
}
