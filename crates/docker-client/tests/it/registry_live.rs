//! Push, pull and login against a private registry with htpasswd users, through a real
//! engine, in both flavours. One password holds `+`, `/` and `=`, which standard base64
//! would turn into characters the engine's URL-safe decoder refuses.

use docker_client::models::AuthConfig;
use docker_client::{
    DockerConfig, Error, InspectDistributionOptions, PullImageOptions, PushImageOptions,
    RemoveImageOptions,
};

use crate::flavours::{both, client, Named, Pull, Wait};
use crate::images_live::ImageGuard;
use crate::live::engine;
use crate::objects_scripted::{std_base64, TRICKY_PASSWORD};
use crate::registry::Registry;

/// Refused credentials, as engines report them: 401 from 23.0 on; before, a 500 or an
/// in-stream error whose message says so.
fn is_refused_credentials(e: &Error) -> bool {
    e.status_code() == Some(401)
        || e.message().is_some_and(|m| {
            m.contains("401 Unauthorized")
                || m.contains("unauthorized: authentication required")
                || m.contains("no basic auth credentials")
        })
}

#[test]
fn live_login_push_and_pull_with_a_private_registry() {
    let Some(endpoint) = engine() else { return };
    let Some(registry) = Registry::start(&[("dkr", TRICKY_PASSWORD), ("other", "other-pw")]) else {
        return;
    };
    let auth = |user: &str, password: &str| AuthConfig {
        username: user.into(),
        password: password.into(),
        serveraddress: registry.addr.clone(),
        ..Default::default()
    };
    let good = auth("dkr", TRICKY_PASSWORD);
    let wrong = auth("dkr", "wrong-password");
    both!(client(&endpoint, None), |api| {
        let name = api.name();
        let bb = api.inspect_image("bb:latest").wait().unwrap();

        let ok = api.login(&good).wait().unwrap();
        assert_eq!(ok.status, "Login Succeeded", "{name}");
        let err = api.login(&wrong).wait().unwrap_err();
        assert!(
            matches!(err, Error::Api { .. }) && is_refused_credentials(&err),
            "{name}: {err:?}"
        );
        assert!(!format!("{err:?}").contains("wrong-password"));
        api.login(&auth("other", "other-pw")).wait().unwrap();

        let repo = format!("{}/dkr/bb-{name}", registry.addr);
        let target = format!("{repo}:it");
        api.tag_image("bb:latest", &target).wait().unwrap();
        let _guard = ImageGuard(&api, target.clone());

        // Without credentials, or with wrong ones, the engine starts the stream and
        // reports the refusal inside it.
        let err = api
            .push_image(&target, &PushImageOptions::default())
            .wait()
            .and_then(|p| p.wait().wait())
            .unwrap_err();
        assert!(
            matches!(err, Error::Stream { .. }) && is_refused_credentials(&err),
            "{name}: {err:?}"
        );
        let items = api
            .push_image(&target, &PushImageOptions::default().auth(wrong.clone()))
            .wait()
            .unwrap()
            .iter()
            .collect::<Vec<_>>();
        let last = items.last().unwrap();
        assert!(
            matches!(last, Err(Error::Stream { .. })),
            "{name}: {items:?}"
        );
        assert!(items[..items.len() - 1].iter().all(Result::is_ok));

        let items = api
            .push_image(&target, &PushImageOptions::default().auth(good.clone()))
            .wait()
            .unwrap()
            .iter()
            .collect::<Vec<_>>();
        let messages: Vec<_> = items
            .into_iter()
            .map(|m| m.unwrap_or_else(|e| panic!("{name}: push failed: {e}")))
            .collect();
        let digest = messages
            .iter()
            .find_map(|m| m.aux.as_ref()?.get("Digest")?.as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("{name}: no digest in {messages:?}"));
        assert!(digest.starts_with("sha256:"), "{digest}");
        let by_digest = format!("{repo}@{digest}");
        let _guard2 = ImageGuard(&api, by_digest.clone());

        // Remove the local tag and pull it back.
        api.remove_image(&target, RemoveImageOptions::default())
            .wait()
            .unwrap();
        let _ = api
            .remove_image(&by_digest, RemoveImageOptions::default())
            .wait();
        assert!(api
            .inspect_image(&target)
            .wait()
            .unwrap_err()
            .is_not_found());

        let err = api
            .pull_image(&target, &PullImageOptions::default())
            .wait()
            .and_then(|p| p.wait().wait())
            .unwrap_err();
        assert!(is_refused_credentials(&err), "{name}: {err:?}");
        let err = api
            .pull_image(&target, &PullImageOptions::default().auth(wrong.clone()))
            .wait()
            .and_then(|p| p.wait().wait())
            .unwrap_err();
        assert!(is_refused_credentials(&err), "{name}: {err:?}");
        let with_good = PullImageOptions::default().auth(good.clone());
        let err = api
            .pull_image(&format!("{repo}:no-such-tag"), &with_good)
            .wait()
            .and_then(|p| p.wait().wait())
            .unwrap_err();
        assert!(err.is_not_found(), "{name}: {err:?}");

        let items = api
            .pull_image(&target, &with_good)
            .wait()
            .unwrap()
            .iter()
            .collect::<Vec<_>>();
        let messages: Vec<_> = items
            .into_iter()
            .map(|m| m.unwrap_or_else(|e| panic!("{name}: pull failed: {e}")))
            .collect();
        let last = &messages.last().unwrap().status;
        assert!(
            last.starts_with("Status: Downloaded newer image for")
                || last.starts_with("Status: Image is up to date for"),
            "{name}: {messages:?}"
        );
        let pulled = api.inspect_image(&target).wait().unwrap();
        assert_eq!(pulled.id, bb.id);
        assert!(
            pulled.repo_digests.contains(&by_digest),
            "{name}: {:?}",
            pulled.repo_digests
        );

        // By digest, and with the credentials of a config.json (std base64 of
        // user:password), as the Docker CLI stores them.
        api.remove_image(&target, RemoveImageOptions::default())
            .wait()
            .unwrap();
        let stored = std_base64(format!("dkr:{TRICKY_PASSWORD}").as_bytes());
        let config = format!(
            r#"{{"auths":{{"{}":{{"auth":"{stored}"}}}}}}"#,
            registry.addr
        );
        let path = registry.dir().join(format!("config-{name}.json"));
        std::fs::write(&path, config).unwrap();
        let from_file = DockerConfig::from_path(&path)
            .unwrap()
            .credentials_for_image(&target)
            .unwrap()
            .expect("the stored credentials");
        assert_eq!(from_file, good);
        api.pull_image(&by_digest, &PullImageOptions::default().auth(from_file))
            .wait()
            .and_then(|p| p.wait().wait())
            .unwrap();
        let pulled = api.inspect_image(&by_digest).wait().unwrap();
        assert_eq!(pulled.id, bb.id);
    });
    let log = registry.log();
    assert!(
        !log.contains(TRICKY_PASSWORD),
        "the password must not be logged"
    );
}

#[test]
fn live_distribution_inspect_describes_an_image_in_the_private_registry() {
    let Some(endpoint) = engine() else { return };
    let Some(registry) = Registry::start(&[("dkr", "dist-pw")]) else {
        return;
    };
    let good = AuthConfig {
        username: "dkr".into(),
        password: "dist-pw".into(),
        serveraddress: registry.addr.clone(),
        ..Default::default()
    };
    both!(client(&endpoint, None), |api| {
        let name = api.name();
        let bb = api.inspect_image("bb:latest").wait().unwrap();
        let target = format!("{}/dkr/dist-{name}:it", registry.addr);
        api.tag_image("bb:latest", &target).wait().unwrap();
        let _guard = ImageGuard(&api, target.clone());
        let digest = api
            .push_image(&target, &PushImageOptions::default().auth(good.clone()))
            .wait()
            .unwrap()
            .iter()
            .map(|m| m.unwrap_or_else(|e| panic!("{name}: push failed: {e}")))
            .find_map(|m| m.aux?.get("Digest")?.as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("{name}: no digest"));

        let opts = InspectDistributionOptions::default().auth(good.clone());
        let dist = api.inspect_distribution(&target, &opts).wait().unwrap();
        assert_eq!(dist.descriptor.digest, digest, "{name}: {dist:?}");
        assert!(
            dist.descriptor.media_type.contains("manifest"),
            "{name}: {dist:?}"
        );
        assert!(dist.descriptor.size > 0, "{name}: {dist:?}");
        assert!(
            dist.platforms
                .iter()
                .any(|p| p.architecture == bb.architecture && p.os == bb.os),
            "{name}: {dist:?}"
        );

        // Without credentials the registry refuses; a missing tag is not found.
        let err = api
            .inspect_distribution(&target, &InspectDistributionOptions::default())
            .wait()
            .unwrap_err();
        assert!(is_refused_credentials(&err), "{name}: {err:?}");
        let missing = format!("{}/dkr/dist-{name}:no-such-tag", registry.addr);
        let err = api
            .inspect_distribution(&missing, &opts)
            .wait()
            .unwrap_err();
        assert!(
            matches!(err, Error::Api { .. } | Error::NotFound { .. }),
            "{name}: {err:?}"
        );
    });
}
