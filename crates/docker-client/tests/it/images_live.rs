//! Images against a real engine, in both flavours: list, inspect, tag, history, remove,
//! prune, import, save (several images, or one by its own endpoint), load and commit. (Pull and push need a registry: registry_live.rs.)

use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use docker_client::models::{ContainerCreateConfig, SystemDf};
use docker_client::{
    Client, CommitOptions, Error, ImportImageOptions, ListImagesOptions, LoadImagesOptions,
    PruneFilters, RemoveContainerOptions, RemoveImageOptions, WaitCondition,
};

use crate::flavours::{both, client, Named, ReadAll, TestFlavour, Wait};
use crate::live::engine;

/// A name no other test or run uses.
pub(crate) fn unique(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "dkr-it-{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A tar of one regular file.
pub(crate) fn tar_with(name: &str, data: &[u8]) -> Vec<u8> {
    let mut header = [0u8; 512];
    header[..name.len()].copy_from_slice(name.as_bytes());
    header[100..108].copy_from_slice(b"0000644\0");
    header[108..116].copy_from_slice(b"0000000\0");
    header[116..124].copy_from_slice(b"0000000\0");
    header[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
    header[136..148].copy_from_slice(b"00000000000\0");
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let mut tar = header.to_vec();
    tar.extend_from_slice(data);
    tar.resize(tar.len().div_ceil(512) * 512 + 1024, 0);
    tar
}

/// The names of the entries of a tar.
fn tar_names(tar: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut at = 0;
    while at + 512 <= tar.len() && tar[at] != 0 {
        let header = &tar[at..at + 512];
        let name = &header[..100];
        let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(100)];
        names.push(String::from_utf8_lossy(name).into_owned());
        let size = std::str::from_utf8(&header[124..135])
            .unwrap()
            .trim_matches(['\0', ' ']);
        let size = usize::from_str_radix(size, 8).unwrap_or(0);
        at += 512 + size.div_ceil(512) * 512;
    }
    names
}

/// Removes the image when dropped, whatever happened.
pub(crate) struct ImageGuard<'a, F: TestFlavour>(pub(crate) &'a Client<F>, pub(crate) String);

impl<F: TestFlavour> Drop for ImageGuard<'_, F> {
    fn drop(&mut self) {
        let options = RemoveImageOptions::default().force(true);
        let _ = F::resolve(self.0.remove_image(&self.1, options));
    }
}

/// `df`, retried while another disk-usage operation runs: engines before 23.0 refuse a
/// second one at the same time ("a disk usage operation is already running").
pub(crate) fn df_when_free<F: TestFlavour>(api: &Client<F>) -> SystemDf {
    for _ in 0..100 {
        match F::resolve(api.df()) {
            Err(e) if e.message().is_some_and(|m| m.contains("already running")) => {
                std::thread::sleep(Duration::from_millis(100))
            }
            other => return other.unwrap(),
        }
    }
    panic!("{}: df stayed busy for 10 s", F::NAME)
}

#[test]
fn live_tag_list_inspect_history_and_remove() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let bb = api.inspect_image("bb:latest").wait().unwrap();
        let repo = unique(&format!("tag-{}", api.name()));
        let target = format!("{repo}:t1");
        api.tag_image("bb:latest", &target).wait().unwrap();
        let _guard = ImageGuard(&api, target.clone());
        // No tag means latest, as for docker tag.
        api.tag_image("bb:latest", &repo).wait().unwrap();
        let _guard2 = ImageGuard(&api, format!("{repo}:latest"));

        let list = api
            .list_images(&ListImagesOptions::default().filter("reference", &repo))
            .wait()
            .unwrap();
        assert_eq!(list.len(), 1, "{}: {list:?}", api.name());
        assert_eq!(list[0].id, bb.id);
        let mut tags = list[0].repo_tags.clone();
        tags.retain(|t| t.starts_with(&repo));
        tags.sort();
        assert_eq!(tags, [format!("{repo}:latest"), target.clone()]);
        let all = api
            .list_images(&ListImagesOptions::default().all(true).digests(true))
            .wait()
            .unwrap();
        assert!(all.iter().any(|i| i.id == bb.id));

        let tagged = api.inspect_image(&target).wait().unwrap();
        assert_eq!(tagged.id, bb.id);
        let history = api.history_image(&target).wait().unwrap();
        assert!(!history.is_empty());
        assert!(
            history.iter().any(|h| h.tags.contains(&target)),
            "{history:?}"
        );

        let removed = api
            .remove_image(&target, RemoveImageOptions::default())
            .wait()
            .unwrap();
        assert_eq!(removed.len(), 1, "{removed:?}");
        assert_eq!(removed[0].untagged, target);
        let err = api.inspect_image(&target).wait().unwrap_err();
        assert!(err.is_not_found(), "{err}");
        let err = api
            .remove_image(&target, RemoveImageOptions::default())
            .wait()
            .unwrap_err();
        assert!(err.is_not_found(), "{err}");
        let err = api.history_image(&target).wait().unwrap_err();
        assert!(err.is_not_found(), "{err}");
        let err = api.tag_image(&target, "x:y").wait().unwrap_err();
        assert!(err.is_not_found(), "{err}");
        // bb:latest is untouched.
        assert_eq!(api.inspect_image("bb:latest").wait().unwrap().id, bb.id);
    });
}

#[test]
fn live_import_save_load_and_prune() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let name = api.name();
        let repo = unique(&format!("imp-{name}"));
        let reference = format!("{repo}:1");
        let prune_label = unique("prune");
        let opts = ImportImageOptions::default()
            .reference(&reference)
            .message("imported by the live test")
            .change(r#"CMD ["/hello.txt"]"#)
            .change(format!("LABEL dkr-it-prune={prune_label}"));
        let messages = api
            .import_image(Cursor::new(tar_with("hello.txt", b"hello import\n")), &opts)
            .wait()
            .and_then(|p| p.finish().wait())
            .unwrap();
        let id = messages.last().unwrap().status.clone();
        assert!(id.starts_with("sha256:"), "{name}: {messages:?}");
        let _guard = ImageGuard(&api, id.clone());
        let image = api.inspect_image(&reference).wait().unwrap();
        assert_eq!(image.id, id);
        assert_eq!(image.comment, "imported by the live test");
        let config = image.config.clone().unwrap_or_default();
        assert_eq!(config.cmd, ["/hello.txt"]);
        assert_eq!(config.labels["dkr-it-prune"], prune_label);

        let tar = api
            .save_images(&[&reference])
            .wait()
            .unwrap()
            .read_all()
            .unwrap();
        let names = tar_names(&tar);
        assert!(names.iter().any(|n| n == "manifest.json"), "{names:?}");
        assert!(names.iter().any(|n| n.ends_with("layer.tar")), "{names:?}");

        // One image by name: GET /images/{name}/get, the same entries.
        let one = api
            .save_image(&reference)
            .wait()
            .unwrap()
            .read_all()
            .unwrap();
        assert_eq!(tar_names(&one), names, "{name}");
        let err = api.save_image("dkr-it-missing:1").wait().unwrap_err();
        assert!(err.is_not_found(), "{name}: {err:?}");

        let removed = api
            .remove_image(&reference, RemoveImageOptions::default())
            .wait()
            .unwrap();
        assert!(removed.iter().any(|r| r.deleted == id), "{removed:?}");
        assert!(api
            .inspect_image(&reference)
            .wait()
            .unwrap_err()
            .is_not_found());

        let loaded = api
            .load_images(
                Cursor::new(tar.clone()),
                LoadImagesOptions::default().quiet(true),
            )
            .wait()
            .and_then(|p| p.finish().wait())
            .unwrap();
        let text: String = loaded.iter().map(|m| m.stream.as_str()).collect();
        assert_eq!(text, format!("Loaded image: {reference}\n"), "{loaded:?}");
        assert_eq!(api.inspect_image(&reference).wait().unwrap().id, id);
        // Loading again, with progress: the image is already there.
        let loaded = api
            .load_images(Cursor::new(tar), LoadImagesOptions::default())
            .wait()
            .and_then(|p| p.finish().wait())
            .unwrap();
        assert!(
            loaded.iter().any(|m| m.stream.contains(&reference)),
            "{loaded:?}"
        );

        api.remove_image(&reference, RemoveImageOptions::default())
            .wait()
            .unwrap();

        // An untagged import is dangling: a prune limited to its label removes it.
        let untagged =
            ImportImageOptions::default().change(format!("LABEL dkr-it-prune={prune_label}"));
        let messages = api
            .import_image(
                Cursor::new(tar_with("hello.txt", b"hello dangling\n")),
                &untagged,
            )
            .wait()
            .and_then(|p| p.finish().wait())
            .unwrap();
        let dangling = messages.last().unwrap().status.clone();
        let _guard2 = ImageGuard(&api, dangling.clone());
        let filters =
            PruneFilters::default().filter("label", format!("dkr-it-prune={prune_label}"));
        let pruned = api.prune_images(&filters).wait().unwrap();
        assert!(
            pruned.images_deleted.iter().any(|d| d.deleted == dangling),
            "{name}: {pruned:?}"
        );
        assert!(api
            .inspect_image(&dangling)
            .wait()
            .unwrap_err()
            .is_not_found());
        let again = api.prune_images(&filters).wait().unwrap();
        assert!(again.images_deleted.is_empty(), "{again:?}");
    });
}

#[test]
fn live_bad_tarballs_are_errors() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let err = api
            .load_images(
                Cursor::new(b"this is not a tar".repeat(100)),
                LoadImagesOptions::default().quiet(true),
            )
            .wait()
            .and_then(|p| p.finish().wait())
            .unwrap_err();
        assert!(
            matches!(err, Error::Stream { .. } | Error::Api { .. }),
            "{}: {err:?}",
            api.name()
        );
        let err = api
            .import_image(
                Cursor::new(b"this is not a tar".repeat(100)),
                &ImportImageOptions::default(),
            )
            .wait()
            .and_then(|p| p.finish().wait())
            .unwrap_err();
        assert!(
            matches!(err, Error::Stream { .. } | Error::Api { .. }),
            "{}: {err:?}",
            api.name()
        );
        let err = api
            .save_images(&["dkr-it-no-such-image:x"])
            .wait()
            .map(drop)
            .unwrap_err();
        assert!(err.is_not_found(), "{}: {err:?}", api.name());
    });
}

#[test]
fn live_df_counts_bb() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let bb = api.inspect_image("bb:latest").wait().unwrap();
        let df = df_when_free(&api);
        assert!(df.layers_size > 0, "{}: {df:?}", api.name());
        assert!(df.images.iter().any(|i| i.id == bb.id));
    });
}

#[test]
fn live_commit_makes_an_image_of_a_container_with_its_file_and_changes() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let config = ContainerCreateConfig {
            image: "bb:latest".into(),
            cmd: vec!["sh".into(), "-c".into(), "echo committed > /made".into()],
            ..Default::default()
        };
        let name = unique(&format!("commit-{}", api.name()));
        let created = api.create_container(Some(&name), &config).wait().unwrap();
        let remove = RemoveContainerOptions::default().force(true);
        api.start_container(&created.id).wait().unwrap();
        api.wait_container(&created.id, WaitCondition::NotRunning)
            .wait()
            .unwrap();

        let target = format!("{name}:snap");
        let options = CommitOptions::default()
            .reference(&target)
            .comment("made by the live test")
            .author("docker-rs")
            .change("ENV COMMITTED=yes")
            .pause(false);
        let image = api.commit_container(&name, &options).wait().unwrap();
        let _guard = ImageGuard(&api, target.clone());
        assert!(image.id.starts_with("sha256:"), "{}: {image:?}", api.name());

        let inspect = api.inspect_image(&target).wait().unwrap();
        assert_eq!(inspect.id, image.id);
        assert_eq!(inspect.comment, "made by the live test");
        assert_eq!(inspect.author, "docker-rs");
        let env = inspect.config.map(|c| c.env).unwrap_or_default();
        assert!(env.iter().any(|e| e == "COMMITTED=yes"), "{env:?}");
        // The new image holds the file the container wrote.
        let check = ContainerCreateConfig {
            image: target.clone(),
            cmd: vec!["cat".into(), "/made".into()],
            ..Default::default()
        };
        let reader = api.create_container(None, &check).wait().unwrap();
        api.start_container(&reader.id).wait().unwrap();
        let exit = api
            .wait_container(&reader.id, WaitCondition::NotRunning)
            .wait()
            .unwrap();
        assert_eq!(exit.status_code, 0);
        api.remove_container(&reader.id, remove).wait().unwrap();
        api.remove_container(&created.id, remove).wait().unwrap();

        let err = api
            .commit_container("dkr-it-missing", &CommitOptions::default())
            .wait()
            .unwrap_err();
        assert!(err.is_not_found(), "{}: {err}", api.name());
        let err = api
            .commit_container("", &CommitOptions::default())
            .wait()
            .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
    });
}
