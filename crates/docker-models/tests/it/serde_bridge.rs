//! The models through serde: every serde_json entry point, serde's buffered content
//! (untagged enums, flattened fields), other deserializers, and `from_json`.

use std::collections::BTreeMap;

use docker_models::{from_json, ContainerSummary, ErrorResponse, EventMessage, HostConfig};
use serde::Deserialize;
use serde_json::json;

const INSPECT_LIKE: &str = r#"{"Privileged": true, "Binds": ["/a:/b"], "Future": {"X": [1]}}"#;

fn expected() -> HostConfig {
    let mut hc = HostConfig {
        privileged: true,
        binds: vec!["/a:/b".into()],
        ..Default::default()
    };
    hc.extra.insert("Future", json!({"X": [1]}));
    hc
}

#[test]
fn models_decode_alike_through_every_serde_json_entry_point() {
    let want = expected();
    assert_eq!(
        serde_json::from_str::<HostConfig>(INSPECT_LIKE).unwrap(),
        want
    );
    assert_eq!(
        serde_json::from_slice::<HostConfig>(INSPECT_LIKE.as_bytes()).unwrap(),
        want
    );
    assert_eq!(
        serde_json::from_reader::<_, HostConfig>(INSPECT_LIKE.as_bytes()).unwrap(),
        want
    );
    let value: serde_json::Value = serde_json::from_str(INSPECT_LIKE).unwrap();
    assert_eq!(serde_json::from_value::<HostConfig>(value).unwrap(), want);
    let stream: Vec<HostConfig> =
        serde_json::Deserializer::from_str(&format!("{INSPECT_LIKE} {INSPECT_LIKE}"))
            .into_iter()
            .collect::<Result<_, _>>()
            .unwrap();
    assert_eq!(stream, [want.clone(), want.clone()]);
    assert_eq!(from_json::<HostConfig>(INSPECT_LIKE).unwrap(), want);
}

#[test]
fn models_decode_inside_untagged_enums_and_flattened_fields() {
    // serde buffers these into its own content first, which knows no raw JSON text: the
    // data is written out as JSON again and decoded from that.
    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(untagged)]
    enum Answer {
        Error(ErrorResponseOnly),
        Config(Box<HostConfig>),
    }
    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct ErrorResponseOnly {
        message: String,
    }
    assert_eq!(
        serde_json::from_str::<Answer>(INSPECT_LIKE).unwrap(),
        Answer::Config(Box::new(expected()))
    );
    assert_eq!(
        serde_json::from_str::<Answer>(r#"{"message":"no"}"#).unwrap(),
        Answer::Error(ErrorResponseOnly {
            message: "no".into()
        })
    );

    #[derive(Debug, Deserialize)]
    struct Wrapped {
        name: String,
        #[serde(flatten)]
        config: HostConfig,
    }
    let w: Wrapped = serde_json::from_str(
        r#"{"name":"n","Privileged":true,"Future":{"X":[1]},"Binds":["/a:/b"]}"#,
    )
    .unwrap();
    assert_eq!(w.name, "n");
    assert_eq!(w.config, expected());
}

#[test]
fn models_decode_from_deserializers_that_are_not_json() {
    use serde::de::value::{Error, MapDeserializer};
    let entries = [("message", "refused"), ("cause", "busy")];
    let d = MapDeserializer::<_, Error>::new(entries.into_iter());
    let e = ErrorResponse::deserialize(d).unwrap();
    assert_eq!(e.message, "refused");
    assert_eq!(e.extra.get("cause"), Some(r#""busy""#));
}

#[test]
fn from_json_decodes_lists_and_any_other_type() {
    let list: Vec<ContainerSummary> =
        from_json(r#"[{"Id":"a","Names":["/x"]}, {"Id":"b","Future":1}]"#).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].extra.get("Future"), Some("1"));
    assert_eq!(from_json::<Vec<ContainerSummary>>("[]").unwrap(), []);
    let maybe: Option<EventMessage> = from_json("null").unwrap();
    assert_eq!(maybe, None);
    let map: BTreeMap<String, u32> = from_json(r#"{"a":1}"#).unwrap();
    assert_eq!(map["a"], 1);
    let raw: Box<serde_json::value::RawValue> = from_json(r#" {"a": [1]} "#).unwrap();
    assert_eq!(raw.get(), r#"{"a": [1]}"#);
}

#[test]
fn from_json_refuses_what_is_not_one_value_and_says_where() {
    let e = from_json::<HostConfig>(r#"{"Privileged": true} {}"#).unwrap_err();
    assert!(
        e.to_string()
            .contains("trailing characters at line 1 column 22"),
        "{e}"
    );
    let e = from_json::<HostConfig>("{\n\"Privileged\": maybe}").unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");
    assert!(from_json::<Vec<ContainerSummary>>(r#"[{"Id":"a"},]"#).is_err());
    assert!(from_json::<Vec<ContainerSummary>>(r#"[{"Id":"a"}] x"#).is_err());
    assert!(from_json::<Vec<ContainerSummary>>(r#"{"Id":"a"}"#).is_err());
    assert!(from_json::<HostConfig>(r#"[1]"#).is_err());
}
