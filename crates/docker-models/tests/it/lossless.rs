//! A decoded model keeps every field the engine sent, typed or not, so that encoding it
//! again loses nothing; and `docker_models::from_json` decodes what serde_json decodes.

use docker_models::{from_json, ContainerInspect, HostConfig};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::support::{all_recorded, json_values, route_of};

/// A value the engine's Go encoder writes for a field it leaves at its zero value (a
/// struct's is an object of zero values): such a field decodes to the model's default and
/// may be left out when encoded again, as Go reads an absent field as its zero value too.
fn is_zero(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.values().all(is_zero),
        Value::Bool(true) => false,
    }
}

/// Every member of `sent` is in `again` with an equal value, or is a zero value.
fn assert_kept(what: &str, path: &str, sent: &Value, again: &Value) {
    match (sent, again) {
        (Value::Object(sent), Value::Object(again)) => {
            for (k, v) in sent {
                let path = format!("{path}/{k}");
                match again.get(k) {
                    Some(a) => assert_kept(what, &path, v, a),
                    None => assert!(is_zero(v), "{what}: {path} = {v} was lost"),
                }
            }
        }
        (Value::Array(sent), Value::Array(again)) => {
            assert_eq!(sent.len(), again.len(), "{what}: {path}: items lost");
            for (i, (s, a)) in sent.iter().zip(again).enumerate() {
                assert_kept(what, &format!("{path}/{i}"), s, a);
            }
        }
        (Value::Null, again) => assert!(is_zero(again), "{what}: {path}: null became {again}"),
        (Value::Number(s), Value::Number(a)) => {
            assert_eq!(s.as_f64(), a.as_f64(), "{what}: {path}")
        }
        (sent, again) => assert_eq!(sent, again, "{what}: {path}"),
    }
}

#[test]
fn every_recorded_answer_encodes_again_with_every_field_the_engine_sent() {
    let mut checked = 0;
    for r in all_recorded() {
        if !(200..300).contains(&r.response.status) || !r.response.is_json() {
            continue;
        }
        let Some((_, _, model, recode)) = route_of(&r.request_line) else {
            continue;
        };
        let sent: Vec<Value> = json_values(&r.name, &r.response.body);
        let again = match (model.ends_with("stream"), recode(&r.name, &r.response.body)) {
            (true, Value::Array(items)) => items,
            (true, other) => panic!("{}: a stream encoded as {other}", r.name),
            (false, one) => vec![one],
        };
        assert_eq!(sent.len(), again.len(), "{}", r.name);
        for (s, a) in sent.iter().zip(&again) {
            assert_kept(&format!("{} ({model})", r.name), "", s, a);
        }
        checked += 1;
    }
    assert!(checked >= 100, "only {checked} answers checked");
}

#[test]
fn keys_no_field_names_are_kept_at_every_level_and_encoded_again() {
    let sent = json!({
        "Id": "1cd78d71f60d",
        "FutureTopLevel": {"Nested": [1, 2.5, "three", null, true]},
        "State": {"Status": "running", "FutureState": "x"},
        "HostConfig": {"Privileged": true, "FutureHostConfig": [{"A": {}}]},
        "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "172.17.0.2", "FutureEndpoint": 7}}}
    });
    let c: ContainerInspect = from_json(&sent.to_string()).unwrap();
    assert_eq!(
        c.extra.get("FutureTopLevel"),
        Some(r#"{"Nested":[1,2.5,"three",null,true]}"#)
    );
    assert_eq!(c.state.extra.get("FutureState"), Some(r#""x""#));
    assert_eq!(
        c.host_config.extra.get("FutureHostConfig"),
        Some(r#"[{"A":{}}]"#)
    );
    let again = serde_json::to_value(&c).unwrap();
    assert_kept("inspect", "", &sent, &again);
    // And decoding the encoding gives the same model.
    assert_eq!(
        serde_json::from_value::<ContainerInspect>(again).unwrap(),
        c
    );
}

/// Any JSON value: the strategy of serde_json's own value, four levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_value_under_an_unknown_key_survives_decoding_and_encoding(
        key in "[A-Za-z]{1,12}".prop_filter("not a HostConfig field", |k| {
            serde_json::to_value(HostConfig::default())
                .map(|v| v.get(k.as_str()).is_none())
                .unwrap_or(true)
                && !["Privileged", "Binds", "Memory", "Init", "Runtime", "Links", "Dns", "Cgroup"]
                    .contains(&k.as_str())
        }),
        value in any_json(),
        pretty in any::<bool>(),
    ) {
        let mut sent = serde_json::Map::new();
        sent.insert(key.clone(), value.clone());
        let sent = Value::Object(sent);
        let text = match pretty {
            true => serde_json::to_string_pretty(&sent).unwrap(),
            false => sent.to_string(),
        };
        let hc: HostConfig = from_json(&text).unwrap();
        prop_assert_eq!(hc.extra.value(&key), Some(value.clone()));
        prop_assert_eq!(serde_json::to_value(&hc).unwrap(), sent.clone());
        let via_serde: HostConfig = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(via_serde, hc);
    }

    #[test]
    fn any_bytes_decode_or_fail_without_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = from_json::<ContainerInspect>(&text);
        let _ = from_json::<Vec<HostConfig>>(&text);
    }

    #[test]
    fn from_json_accepts_what_serde_json_accepts(value in any_json()) {
        let text = json!({"Id": "x", "Labels": {"k": "v"}, "Future": value}).to_string();
        let ours: ContainerInspect = from_json(&text).unwrap();
        let theirs: ContainerInspect = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(ours, theirs);
    }
}
