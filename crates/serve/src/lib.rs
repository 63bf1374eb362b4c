//! `skillgraph serve` as a library: the graph over HTTP — a JSON API and a web page
//! (docs/API.md), compiled in (`page/`). Not the command line: the binary opens the stores,
//! hands over the shell's completion and prints what [`run`] reports.
//!
//! axum on tokio takes the connections; every statement runs on tokio's blocking pool
//! (`spawn_blocking`, in `api`), never on the executor. One `api::Shared` holds the store;
//! each request refreshes it first, so it sees other processes' commits. Start at [`run`].

mod api;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use skillgraph_store::Store;

pub use api::{Candidate, Complete, Completion, Limits};

/// What `serve` was asked for on the command line.
pub struct ServeOptions {
    pub addr: SocketAddr,
    /// The one origin whose pages may call the API (`--cors`); none by default.
    pub cors: Option<String>,
    pub limits: Limits,
}

/// What the server has to say while it runs; the caller says it (the binary: the address on
/// standard output, the rest on standard error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Listening at `url`, taking writes or not.
    Listening {
        url: String,
        writes: bool,
    },
    /// Ctrl-C or SIGTERM: finishing the requests under way.
    Stopping,
    Stopped,
}

/// Threads of the blocking pool per core: enough that a request waiting on the store (a write
/// waiting for another process's) does not stop the rest, few enough to bound memory.
const BLOCKING_THREADS_PER_CORE: usize = 4;

const INDEX_HTML: &str = include_str!("page/index.html");
const APP_JS: &str = include_str!("page/app.js");
const STYLE_CSS: &str = include_str!("page/style.css");

/// Serves `readers` (a store opened read-only: statements that write are refused unless there
/// is a `writer`, a second store on the same files) until Ctrl-C or SIGTERM; requests under way
/// are finished first, and the writer's writes made durable. `completion` answers
/// `GET /complete`. The error says what stopped it, in a sentence.
pub fn run(
    readers: Store,
    writer: Option<Store>,
    options: ServeOptions,
    completion: Completion,
    report: impl Fn(Event) + Send + Sync + 'static,
) -> Result<(), String> {
    let cors = match options.cors.as_deref().map(HeaderValue::from_str) {
        Some(Ok(origin)) => Some(origin),
        Some(Err(_)) => {
            return Err("`--cors` takes one origin, such as `https://example.org`".to_string())
        }
        None => None,
    };
    let shared = Arc::new(api::Shared::new(
        readers,
        writer,
        options.limits,
        completion,
    ));
    // Statements are CPU work: more threads than a few per core only queue in the kernel
    // instead of here, and each keeps its own scratch memory for searches (BENCHMARKS.md,
    // serve: 761 MB at a million edges with one thread per client, 175 MB with this).
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS_PER_CORE * cores)
        .thread_name("skillgraph-serve")
        .build()
        .map_err(|e| format!("cannot start the server's threads: {e}"))?;
    let served = runtime.block_on(serve(shared.clone(), options.addr, cors, Arc::new(report)));
    // Requests still on the blocking pool after shutdown have been answered or abandoned by
    // their clients; give them a moment to end before the store is closed.
    runtime.shutdown_timeout(Duration::from_secs(5));
    let synced = shared
        .sync()
        .map_err(|e| format!("the server's writes may not be durable: {e}"));
    served.and(synced)
}

async fn serve(
    shared: Arc<api::Shared>,
    addr: SocketAddr,
    cors: Option<HeaderValue>,
    report: Arc<dyn Fn(Event) + Send + Sync>,
) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    report(Event::Listening {
        url: format!("http://{local}/"),
        writes: shared.allows_writes(),
    });
    let mut app = router(shared);
    if let Some(origin) = cors {
        app = app.layer(
            tower_http::cors::CorsLayer::new()
                .allow_origin(origin)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE]),
        );
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(stop_signal(report.clone()))
        .await
        .map_err(|e| format!("the server stopped: {e}"))?;
    report(Event::Stopped);
    Ok(())
}

fn router(shared: Arc<api::Shared>) -> Router {
    Router::new()
        .route("/", get(|| async { page(INDEX_HTML, "text/html; charset=utf-8") }))
        .route(
            "/app.js",
            get(|| async { page(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/style.css",
            get(|| async { page(STYLE_CSS, "text/css; charset=utf-8") }),
        )
        .route("/health", get(health))
        .route("/schema", get(schema))
        .route("/complete", get(complete))
        .route("/query", post(query))
        .route("/render", get(render))
        .fallback(|| async {
            reply(api::Reply::error(
                404,
                "not_found",
                "no such endpoint: see docs/API.md (`/`, `/health`, `/schema`, `/complete`, `POST /query`, `/render`)",
            ))
        })
        .with_state(shared)
}

/// Ctrl-C or SIGTERM.
async fn stop_signal(report: Arc<dyn Fn(Event) + Send + Sync>) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    report(Event::Stopping);
}

fn page(text: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            // The page loads only its own script and style, and pictures from this server.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; img-src 'self' data:",
            ),
        ],
        text,
    )
        .into_response()
}

fn reply(reply: api::Reply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        reply.body,
    )
        .into_response()
}

/// Sets a request's interrupt flag when its handler is dropped: a handler dropped before it
/// answers (its client went away) stops its statements; after the answer the flag is unread.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs `work` on the blocking pool with the request's interrupt flag, which the time budget
/// or the client's leaving sets.
async fn blocking<T: Send + 'static>(
    shared: Arc<api::Shared>,
    work: impl FnOnce(&api::Shared, Arc<AtomicBool>) -> T + Send + 'static,
) -> Result<T, api::Reply> {
    let interrupt = Arc::new(AtomicBool::new(false));
    let _stop = StopOnDrop(interrupt.clone());
    let budget = shared.limits.budget;
    let timer = {
        let interrupt = interrupt.clone();
        tokio::spawn(async move {
            tokio::time::sleep(budget).await;
            interrupt.store(true, Ordering::Relaxed);
        })
    };
    let ran = tokio::task::spawn_blocking(move || work(&shared, interrupt)).await;
    timer.abort();
    ran.map_err(|_| {
        api::Reply::error(
            500,
            "internal",
            "internal error while answering (a bug); the server goes on",
        )
    })
}

async fn health(State(shared): State<Arc<api::Shared>>) -> Response {
    match blocking(shared, |shared, _| shared.health()).await {
        Ok(r) | Err(r) => reply(r),
    }
}

async fn schema() -> Response {
    static SCHEMA: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    (
        [(header::CONTENT_TYPE, "application/json")],
        SCHEMA.get_or_init(api::schema).clone(),
    )
        .into_response()
}

#[derive(Deserialize)]
struct CompleteParams {
    #[serde(default)]
    prefix: String,
}

async fn complete(
    State(shared): State<Arc<api::Shared>>,
    params: Result<Query<CompleteParams>, QueryRejection>,
) -> Response {
    let params = match params {
        Ok(Query(params)) => params,
        Err(e) => return reply(bad_parameters(e)),
    };
    if params.prefix.len() > shared.limits.max_statement {
        return reply(too_large_statement(&shared));
    }
    match blocking(shared, move |shared, _| shared.complete(&params.prefix)).await {
        Ok(r) | Err(r) => reply(r),
    }
}

#[derive(Deserialize)]
struct QueryBody {
    statements: String,
}

/// `POST /query`: the body is the statements as text (`text/plain`, or no type), or JSON
/// `{"statements": "…"}` (`application/json`).
async fn query(State(shared): State<Arc<api::Shared>>, request: Request) -> Response {
    let json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let body = match read_body(request.into_body(), shared.limits.max_body).await {
        Ok(b) => b,
        Err(r) => return reply(r),
    };
    let source = if json {
        match serde_json::from_slice::<QueryBody>(&body) {
            Ok(b) => b.statements,
            Err(e) => {
                return reply(api::Reply::error(
                    400,
                    "bad_request",
                    format!("the body is not `{{\"statements\": \"…\"}}`: {e}"),
                ))
            }
        }
    } else {
        match String::from_utf8(body.to_vec()) {
            Ok(s) => s,
            Err(_) => {
                return reply(api::Reply::error(
                    400,
                    "bad_request",
                    "the body is not UTF-8 text",
                ))
            }
        }
    };
    match blocking(shared, move |shared, interrupt| {
        shared.query(&source, interrupt)
    })
    .await
    {
        Ok(r) | Err(r) => reply(r),
    }
}

/// A query string that does not fit: the JSON error every endpoint answers with.
fn bad_parameters(rejection: QueryRejection) -> api::Reply {
    api::Reply::error(400, "bad_request", rejection.body_text())
}

async fn read_body(body: Body, limit: usize) -> Result<Bytes, api::Reply> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        api::Reply::error(
            413,
            "too_large",
            format!("a request body may hold at most {limit} bytes"),
        )
    })
}

fn too_large_statement(shared: &api::Shared) -> api::Reply {
    api::Reply::error(
        413,
        "too_large",
        format!(
            "a statement may hold at most {} bytes",
            shared.limits.max_statement
        ),
    )
}

#[derive(Deserialize)]
struct RenderParams {
    q: String,
    at: Option<usize>,
}

/// `GET /render?q=…[&at=N]`: the SVG `skillgraph render` draws.
async fn render(
    State(shared): State<Arc<api::Shared>>,
    params: Result<Query<RenderParams>, QueryRejection>,
) -> Response {
    let params = match params {
        Ok(Query(params)) => params,
        Err(e) => return reply(bad_parameters(e)),
    };
    if params.q.len() > shared.limits.max_body {
        return reply(api::Reply::error(
            413,
            "too_large",
            format!("`q` may hold at most {} bytes", shared.limits.max_body),
        ));
    }
    let drawn = blocking(shared, move |shared, interrupt| {
        shared.render(&params.q, params.at, interrupt)
    })
    .await;
    match drawn {
        Ok(Ok(svg)) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                // An SVG opened on its own runs no script and loads nothing.
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'",
                ),
            ],
            svg,
        )
            .into_response(),
        Ok(Err(r)) | Err(r) => reply(r),
    }
}
