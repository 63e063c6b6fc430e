//! Builds the web front end (`web/dist`) when it is missing or older than its sources, so that
//! `cargo run --release` on a fresh machine serves the app: `npm ci` when `node_modules` is
//! missing or older than the lock file, then `npm run build`. Nothing runs when the build is
//! current. Set `PROMPTDECK_SKIP_WEB_BUILD=1` to skip (the server then serves what `web/dist` has).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

const INPUTS: &[&str] = &[
    "src",
    "public",
    "index.html",
    "sandbox.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let web = manifest.join("../../web");
    println!("cargo::rerun-if-env-changed=PROMPTDECK_SKIP_WEB_BUILD");
    for input in INPUTS {
        println!("cargo::rerun-if-changed={}", web.join(input).display());
    }
    println!("cargo::rerun-if-changed={}", web.join("dist/index.html").display());
    println!("cargo::rerun-if-changed={}", web.join("dist/sandbox.html").display());
    if std::env::var("PROMPTDECK_SKIP_WEB_BUILD").is_ok_and(|v| v == "1")
        || !web.join("package.json").exists()
    {
        return;
    }
    let sources = INPUTS.iter().filter_map(|i| newest(&web.join(i))).max();
    let built = [web.join("dist/index.html"), web.join("dist/sandbox.html")]
        .iter()
        .map(|p| modified(p))
        .collect::<Option<Vec<_>>>()
        .and_then(|v| v.into_iter().min());
    if let (Some(built), Some(sources)) = (built, sources)
        && built >= sources
    {
        return;
    }
    let have_dist = built.is_some();
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    if Command::new(npm).arg("--version").output().is_err() {
        if have_dist {
            println!(
                "cargo::warning=web/dist is older than web/src but npm is not installed; serving the old build"
            );
            return;
        }
        println!(
            "cargo::error=npm was not found: the web front end (web/) needs Node.js 20+ and npm to build. \
             Install them (e.g. `apt-get install nodejs npm`), or build web/dist elsewhere, or set \
             PROMPTDECK_SKIP_WEB_BUILD=1 to build the server without its front end."
        );
        return;
    }
    let lock_time = modified(&web.join("package-lock.json"));
    let modules_time = modified(&web.join("node_modules/.package-lock.json"));
    let need_ci = match (lock_time, modules_time) {
        (_, None) => true,
        (Some(lock), Some(modules)) => lock > modules,
        (None, Some(_)) => false,
    };
    if need_ci && !run(&web, npm, &["ci", "--no-audit", "--no-fund"]) {
        println!("cargo::error=`npm ci` failed in web/ (see the output above)");
        return;
    }
    if !run(&web, npm, &["run", "build"]) {
        println!("cargo::error=`npm run build` failed in web/ (see the output above)");
    }
}

fn run(dir: &Path, program: &str, args: &[&str]) -> bool {
    println!("cargo::warning=building the web front end: {program} {}", args.join(" "));
    match Command::new(program).args(args).current_dir(dir).status() {
        Ok(status) => status.success(),
        Err(e) => {
            println!("cargo::warning=could not run {program}: {e}");
            false
        }
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The newest modification time of a file or of any file under a directory.
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path).ok()?.filter_map(Result::ok).filter_map(|e| newest(&e.path())).max()
}
