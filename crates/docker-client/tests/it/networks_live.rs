//! Networks and volumes against a real engine, in both flavours.
//!
//! The test engine runs with `--bridge=none --iptables=false`: the networks made here are
//! bridge networks of their own, marked internal, so no traffic leaves the host.

use docker_client::models::{ContainerCreateConfig, EndpointSettings, IpamConfig};
use docker_client::{
    blocking, Client, CreateNetworkOptions, CreateVolumeOptions, DisconnectNetworkOptions,
    Endpoint, ListNetworksOptions, ListVolumesOptions, PruneFilters, RemoveContainerOptions,
    RemoveVolumeOptions,
};

use crate::flavours::{both, client, Named, TestFlavour, Wait};
use crate::images_live::{df_when_free, unique};
use crate::live::engine;

/// Removes the network when dropped, whatever happened.
struct NetworkGuard<'a, F: TestFlavour>(&'a Client<F>, String);

impl<F: TestFlavour> Drop for NetworkGuard<'_, F> {
    fn drop(&mut self) {
        let _ = F::resolve(self.0.remove_network(&self.1));
    }
}

/// A running `bb:latest` container, removed when dropped.
struct Sleeper {
    client: blocking::Client,
    id: String,
}

impl Sleeper {
    fn start(endpoint: &Endpoint) -> Sleeper {
        let client = blocking::Client::builder()
            .endpoint(endpoint.clone())
            .build()
            .unwrap();
        let config = ContainerCreateConfig {
            image: "bb:latest".into(),
            cmd: vec!["sleep".into(), "300".into()],
            labels: [("dkr-it".to_owned(), "1".to_owned())].into(),
            ..Default::default()
        };
        let id = client
            .create_container(Some(&unique("net-c")), &config)
            .unwrap()
            .id;
        let sleeper = Sleeper { client, id };
        sleeper.client.start_container(&sleeper.id).unwrap();
        sleeper
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self
            .client
            .remove_container(&self.id, RemoveContainerOptions::default().force(true));
    }
}

#[test]
fn live_network_create_inspect_list_connect_disconnect_remove() {
    let Some(endpoint) = engine() else { return };
    let container = Sleeper::start(&endpoint);
    both!(client(&endpoint, None), |api| {
        let name = unique(&format!("net-{}", api.name()));
        // A subnet of its own for each flavour and run, in a range the engine's default
        // pools do not use.
        let n = usize::from(api.name() == "tokio");
        let third = (std::process::id() as usize * 2 + n) % 250;
        let subnet = format!("10.213.{third}.0/24");
        let opts = CreateNetworkOptions::new(&name)
            .driver("bridge")
            .internal(true)
            .label("dkr-it", "1")
            .option("com.docker.network.bridge.enable_icc", "true")
            .ipam_config(IpamConfig {
                subnet: subnet.clone(),
                ..Default::default()
            });
        let created = api.create_network(&opts).wait().unwrap();
        let _guard = NetworkGuard(&api, created.id.clone());
        assert_eq!(created.id.len(), 64, "{}: {created:?}", api.name());
        let err = api.create_network(&opts).wait().unwrap_err();
        assert!(err.is_conflict(), "a second {name}: {err:?}");

        let net = api.inspect_network(&name).wait().unwrap();
        assert_eq!(net.id, created.id);
        assert_eq!(net.driver, "bridge");
        assert!(net.internal);
        assert_eq!(net.labels["dkr-it"], "1");
        assert_eq!(net.options["com.docker.network.bridge.enable_icc"], "true");
        assert_eq!(net.ipam.config[0].subnet, subnet);
        assert!(net.containers.is_empty());

        let by_name = api
            .list_networks(&ListNetworksOptions::default().filter("name", &name))
            .wait()
            .unwrap();
        assert_eq!(by_name.len(), 1, "{by_name:?}");
        assert_eq!(by_name[0].id, created.id);
        let by_label = api
            .list_networks(&ListNetworksOptions::default().filter("label", "dkr-it=1"))
            .wait()
            .unwrap();
        assert!(by_label.iter().any(|n| n.id == created.id));
        let all = api
            .list_networks(&ListNetworksOptions::default())
            .wait()
            .unwrap();
        assert!(all.iter().any(|n| n.name == "host"));

        let endpoint_settings = EndpointSettings {
            aliases: vec!["sleeper".into()],
            ..Default::default()
        };
        api.connect_network(&name, &container.id, Some(&endpoint_settings))
            .wait()
            .unwrap();
        let net = api.inspect_network(&created.id).wait().unwrap();
        let ep = &net.containers[&container.id];
        assert!(
            ep.ipv4_address.starts_with(&subnet[..subnet.len() - 4]),
            "{ep:?}"
        );
        let inspected = container.client.inspect_container(&container.id).unwrap();
        let settings = &inspected.network_settings.networks[&name];
        assert!(
            settings.aliases.iter().any(|a| a == "sleeper"),
            "{settings:?}"
        );
        let err = api
            .connect_network(&name, &container.id, None)
            .wait()
            .unwrap_err();
        assert!(err.status_code().is_some(), "connected twice: {err:?}");

        api.disconnect_network(&name, &container.id, DisconnectNetworkOptions::default())
            .wait()
            .unwrap();
        assert!(api
            .inspect_network(&name)
            .wait()
            .unwrap()
            .containers
            .is_empty());
        api.connect_network(&created.id, &container.id, None)
            .wait()
            .unwrap();
        api.disconnect_network(
            &created.id,
            &container.id,
            DisconnectNetworkOptions::default().force(true),
        )
        .wait()
        .unwrap();
        assert!(api
            .inspect_network(&name)
            .wait()
            .unwrap()
            .containers
            .is_empty());

        api.remove_network(&name).wait().unwrap();
        assert!(api
            .inspect_network(&name)
            .wait()
            .unwrap_err()
            .is_not_found());
        assert!(api.remove_network(&name).wait().unwrap_err().is_not_found());
        let err = api
            .connect_network(&name, &container.id, None)
            .wait()
            .unwrap_err();
        assert!(err.is_not_found(), "{err:?}");
    });
}

#[test]
fn live_network_prune_removes_only_what_its_filter_names() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let label = unique("netprune");
        let name = unique(&format!("netprune-{}", api.name()));
        let opts = CreateNetworkOptions::new(&name)
            .internal(true)
            .label("dkr-it-prune", &label);
        let created = api.create_network(&opts).wait().unwrap();
        let _guard = NetworkGuard(&api, created.id);
        let filters = PruneFilters::default().filter("label", format!("dkr-it-prune={label}"));
        let pruned = api.prune_networks(&filters).wait().unwrap();
        assert_eq!(pruned.networks_deleted, [name.as_str()], "{}", api.name());
        assert!(api
            .inspect_network(&name)
            .wait()
            .unwrap_err()
            .is_not_found());
        assert!(api
            .prune_networks(&filters)
            .wait()
            .unwrap()
            .networks_deleted
            .is_empty());
        // The engine's own networks are never pruned.
        assert_eq!(api.inspect_network("host").wait().unwrap().name, "host");
    });
}

/// Removes the volume when dropped, whatever happened.
struct VolumeGuard<'a, F: TestFlavour>(&'a Client<F>, String);

impl<F: TestFlavour> Drop for VolumeGuard<'_, F> {
    fn drop(&mut self) {
        let options = RemoveVolumeOptions::default().force(true);
        let _ = F::resolve(self.0.remove_volume(&self.1, options));
    }
}

#[test]
fn live_volume_create_list_inspect_remove_prune() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let name = unique(&format!("vol-{}", api.name()));
        let opts = CreateVolumeOptions::default()
            .name(&name)
            .driver("local")
            .label("dkr-it", "1")
            .driver_opt("type", "tmpfs")
            .driver_opt("device", "tmpfs")
            .driver_opt("o", "size=1m");
        let v = api.create_volume(&opts).wait().unwrap();
        let _guard = VolumeGuard(&api, name.clone());
        assert_eq!(v.name, name);
        assert_eq!(v.driver, "local");
        assert_eq!(v.labels["dkr-it"], "1");
        assert_eq!(v.options["type"], "tmpfs");
        assert!(!v.mountpoint.is_empty());

        let inspected = api.inspect_volume(&name).wait().unwrap();
        assert_eq!(inspected.name, name);
        assert_eq!(inspected.options["o"], "size=1m");

        let listed = api
            .list_volumes(&ListVolumesOptions::default().filter("name", &name))
            .wait()
            .unwrap();
        assert_eq!(listed.volumes.len(), 1, "{listed:?}");
        assert_eq!(listed.volumes[0].name, name);
        let dangling = api
            .list_volumes(&ListVolumesOptions::default().filter("dangling", "true"))
            .wait()
            .unwrap();
        assert!(dangling.volumes.iter().any(|v| v.name == name));

        let anonymous = api
            .create_volume(&CreateVolumeOptions::default())
            .wait()
            .unwrap();
        let _guard2 = VolumeGuard(&api, anonymous.name.clone());
        assert_eq!(anonymous.name.len(), 64, "{anonymous:?}");
        // df lists plain local volumes (not those with mount options, like the tmpfs one).
        let df = df_when_free(&api);
        let usage = df.volumes.iter().find(|v| v.name == anonymous.name);
        let usage = usage.and_then(|v| v.usage_data.clone());
        assert_eq!(usage.map(|u| u.ref_count), Some(0), "{df:?}");
        api.remove_volume(&anonymous.name, RemoveVolumeOptions::default())
            .wait()
            .unwrap();
        assert!(api
            .inspect_volume(&anonymous.name)
            .wait()
            .unwrap_err()
            .is_not_found());

        api.remove_volume(&name, RemoveVolumeOptions::default())
            .wait()
            .unwrap();
        assert!(api.inspect_volume(&name).wait().unwrap_err().is_not_found());
        assert!(api
            .remove_volume(&name, RemoveVolumeOptions::default())
            .wait()
            .unwrap_err()
            .is_not_found());
        // Forced removal of a missing volume is not an error.
        api.remove_volume(&name, RemoveVolumeOptions::default().force(true))
            .wait()
            .unwrap();

        let label = unique("volprune");
        let pruned_name = unique(&format!("volprune-{}", api.name()));
        api.create_volume(
            &CreateVolumeOptions::default()
                .name(&pruned_name)
                .label("dkr-it-prune", &label),
        )
        .wait()
        .unwrap();
        let _guard3 = VolumeGuard(&api, pruned_name.clone());
        let filters = PruneFilters::default().filter("label", format!("dkr-it-prune={label}"));
        let pruned = api.prune_volumes(&filters).wait().unwrap();
        assert_eq!(
            pruned.volumes_deleted,
            [pruned_name.as_str()],
            "{}",
            api.name()
        );
        assert!(api
            .inspect_volume(&pruned_name)
            .wait()
            .unwrap_err()
            .is_not_found());
    });
}

#[test]
fn live_a_volume_in_use_is_a_conflict() {
    let Some(endpoint) = engine() else { return };
    let direct = blocking::Client::builder()
        .endpoint(endpoint.clone())
        .build()
        .unwrap();
    both!(client(&endpoint, None), |api| {
        let name = unique(&format!("volbusy-{}", api.name()));
        api.create_volume(&CreateVolumeOptions::default().name(&name))
            .wait()
            .unwrap();
        let _guard = VolumeGuard(&api, name.clone());
        let config: ContainerCreateConfig = serde_json::from_value(serde_json::json!({
            "Image": "bb:latest",
            "Cmd": ["true"],
            "Labels": {"dkr-it": "1"},
            "HostConfig": {"Binds": [format!("{name}:/data")]},
        }))
        .unwrap();
        let id = direct
            .create_container(Some(&unique("volbusy-c")), &config)
            .unwrap()
            .id;
        let err = api
            .remove_volume(&name, RemoveVolumeOptions::default())
            .wait()
            .unwrap_err();
        direct
            .remove_container(&id, RemoveContainerOptions::default().force(true))
            .unwrap();
        assert!(err.is_conflict(), "{}: {err:?}", api.name());
        api.remove_volume(&name, RemoveVolumeOptions::default())
            .wait()
            .unwrap();
    });
}
