//! The page of `skillgraph serve` in a real browser: headless Chromium driven over WebDriver
//! (`chromedriver`, Debian's `chromium-driver`; `.ci/run` installs both). Where they are not
//! installed the test says so and passes without running.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

use crate::serve::Server;
use crate::support::TestDb;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn the_page_draws_the_plan_it_is_asked_for() {
    let Some(browser) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| installed(b))
    else {
        eprintln!("SKIPPED: no Chromium (apt-get install chromium chromium-driver; .ci/run does)");
        return;
    };
    if !installed("chromedriver") {
        eprintln!("SKIPPED: no chromedriver (apt-get install chromium-driver; .ci/run does)");
        return;
    }
    let db = TestDb::new();
    let server = Server::start(&db, &[]);
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let _driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve");
    std::fs::create_dir_all(&shots).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_string(),
            json!({
                "binary": which(browser),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1400,1800"],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let start = Instant::now();
        let client = loop {
            match ClientBuilder::new(connector.clone())
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) if start.elapsed() > Duration::from_secs(30) => {
                    panic!("chromedriver did not start a session: {e}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        client.goto(&format!("{}/", server.url)).await.unwrap();
        let box_ = client.find(Locator::Id("statements")).await.unwrap();
        assert_eq!(
            box_.prop("value").await.unwrap().as_deref(),
            Some("learn DevOps -> SRE"),
            "the first thing to try is there"
        );
        box_.clear().await.unwrap();
        box_.send_keys("learn DevOps -> SRE").await.unwrap();
        client
            .find(Locator::Id("run"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let table = client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("#results table"))
            .await
            .expect("the plan's table");
        let text = table.text().await.unwrap();
        assert!(text.contains("Toil reduction"), "{text}");
        let title = client
            .find(Locator::Css("#results h2"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            title.starts_with("learning plan DevOps engineer"),
            "{title}"
        );
        // The picture: an image of /render, loaded (a broken image has no natural width).
        let picture = client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("#results .picture img"))
            .await
            .expect("the plan's picture");
        let src = picture.attr("src").await.unwrap().unwrap_or_default();
        assert!(src.starts_with("/render?q="), "{src}");
        let start = Instant::now();
        loop {
            let width = client
                .execute(
                    "return document.querySelector('#results .picture img').naturalWidth;",
                    vec![],
                )
                .await
                .unwrap();
            if width.as_u64().unwrap_or(0) > 100 {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the picture never loaded"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // A node name links to its `show`.
        client
            .find(Locator::Css("#results a.node"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::XPath(
                "//div[@class='statement'][starts-with(., 'show ')]",
            ))
            .await
            .expect("the node's show");
        // Completion offers names as one types.
        box_.clear().await.unwrap();
        box_.send_keys("learn Dev").await.unwrap();
        let start = Instant::now();
        let first = loop {
            let shown = client
                .find_all(Locator::Css("#completions:not([hidden]) li"))
                .await
                .unwrap();
            let mut texts = Vec::new();
            for li in shown {
                texts.push(li.text().await.unwrap_or_default());
            }
            if let Some(first) = texts.into_iter().find(|t| !t.is_empty()) {
                break first;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no completions shown"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert!(first.starts_with("Dev"), "{first}");
        // Back to the plan for the picture kept as an artefact.
        box_.clear().await.unwrap();
        box_.send_keys("learn DevOps -> SRE").await.unwrap();
        client
            .find(Locator::Id("run"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("#results .picture img"))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let png = client.screenshot().await.unwrap();
        std::fs::write(shots.join("learn-devops-sre.png"), png).unwrap();
        client.close().await.unwrap();
    });
    eprintln!(
        "screenshot: {}",
        shots.join("learn-devops-sre.png").display()
    );
}

fn which(program: &str) -> String {
    let out = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .expect("sh");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
