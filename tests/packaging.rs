//! The Debian package's sources (`[package.metadata.deb]`, `debian/`) stay in step
//! with the tree they package. `scripts/package-check` builds, installs and purges
//! the package itself; these catch drift without a release build.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The package's configuration: examples/config.toml with `database` set.
fn packaged_config(example: &str) -> String {
    example
        .lines()
        .map(|l| match l.strip_prefix("#database = ") {
            Some(v) => format!("database = {v}\n"),
            None => format!("{l}\n"),
        })
        .collect()
}

#[test]
fn packaged_config_is_the_example_with_the_site_database() {
    let want = packaged_config(&read("examples/config.toml"));
    assert!(
        want.contains("\ndatabase = \"/var/lib/safecode/safecode.db\"\n"),
        "examples/config.toml lost its `#database = \"/var/lib/safecode/safecode.db\"` line"
    );
    assert!(
        read("debian/config.toml") == want,
        "debian/config.toml is stale; refresh it with:\n  \
         sed 's|^#database = |database = |' examples/config.toml > debian/config.toml"
    );
    safecode::config::Config::load(Some(&repo().join("debian/config.toml"))).unwrap();
}

#[test]
fn changelog_names_this_version() {
    let changelog = read("debian/changelog");
    let first = changelog.lines().next().unwrap_or_default();
    let want = format!("safecode ({}-", env!("CARGO_PKG_VERSION"));
    assert!(
        first.starts_with(&want),
        "debian/changelog's first entry is {first:?}; add an entry for version {}-1",
        env!("CARGO_PKG_VERSION")
    );
}

fn deb_metadata() -> toml::Table {
    let cargo: toml::Table = read("Cargo.toml").parse().unwrap();
    cargo["package"]["metadata"]["deb"]
        .as_table()
        .expect("[package.metadata.deb] in Cargo.toml")
        .clone()
}

/// Files a cargo-deb source names: a path, or `dir/*suffix`.
fn matches(source: &str) -> Vec<PathBuf> {
    let path = repo().join(source);
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    match name.strip_prefix('*') {
        Some(suffix) => {
            let dir = path.parent().unwrap();
            let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().ends_with(suffix))
                .collect();
            found.sort();
            found
        }
        None if path.is_file() => vec![path],
        None => vec![],
    }
}

#[test]
fn every_packaged_file_exists_and_conffiles_are_packaged() {
    let deb = deb_metadata();
    let mut targets = Vec::new();
    for asset in deb["assets"].as_array().unwrap() {
        let asset = asset.as_array().unwrap();
        let (source, target) = (asset[0].as_str().unwrap(), asset[1].as_str().unwrap());
        if !source.starts_with("target/") {
            assert!(
                !matches(source).is_empty(),
                "Cargo.toml packages {source}, which is not in the tree"
            );
        }
        targets.push(if target.ends_with('/') {
            format!(
                "/{target}{}",
                Path::new(source).file_name().unwrap().display()
            )
        } else {
            format!("/{target}")
        });
    }
    for conf in deb["conf-files"].as_array().unwrap() {
        let conf = conf.as_str().unwrap();
        assert!(
            targets.iter().any(|t| t == conf),
            "conffile {conf} is not packaged"
        );
    }
    // Every page and completion the tree generates goes in.
    assert!(targets.contains(&"/usr/share/man/man1/*.1".to_string()));
    for c in ["safecode.bash", "_safecode", "safecode.fish"] {
        assert!(
            deb["assets"]
                .to_string()
                .contains(&format!("completions/{c}")),
            "completions/{c} is not packaged"
        );
    }
}

#[test]
fn units_and_sudoers_name_the_packaged_binary() {
    // sudoers matches commands by full path, and the units must run the file the
    // package installs.
    let mut files: Vec<PathBuf> = matches("examples/systemd/*.service");
    assert_eq!(files.len(), 2, "{files:?}");
    files.push(repo().join("examples/sudoers"));
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(
            text.contains("/usr/bin/safecode") && !text.contains("/usr/local/bin/safecode"),
            "{} should name /usr/bin/safecode, where the package installs it",
            f.display()
        );
    }
}

#[test]
fn maintainer_scripts_parse_and_take_the_generated_parts() {
    for script in ["debian/postinst", "debian/postrm"] {
        let text = read(script);
        assert!(text.starts_with("#!/bin/sh\nset -e\n"), "{script}");
        assert!(
            text.contains("\n#DEBHELPER#\n"),
            "{script} lacks #DEBHELPER#"
        );
        let st = std::process::Command::new("sh")
            .arg("-n")
            .arg(repo().join(script))
            .status()
            .unwrap();
        assert!(st.success(), "sh -n {script}");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(repo().join(script))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111, "{script} must be executable");
    }
}
