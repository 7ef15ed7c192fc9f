//! `GET /events`: one JSON object per event.

use std::collections::BTreeMap;
use std::fmt;

use crate::model::model;

model! {
    /// One event of `GET /events`.
    ///
    /// The shape is the same from API 1.24 to 1.56, except that the legacy `status`, `id`
    /// and `from` keys (deprecated since 1.22) are gone from API 1.52 on (and before that
    /// were only sent for container and image events). They decode as empty strings when
    /// absent and are not serialized when empty; use [`action`](Self::action),
    /// [`actor_id`](Self::actor_id) and the `image` attribute instead.
    ///
    /// `typ` is the plain `Type` string (`container`, `image`, `volume`, `network`,
    /// `daemon`, `plugin`, `node`, `service`, `secret`, `config`, `builder`, ...): new types
    /// never fail decoding.
    ///
    /// ```
    /// let e: docker_models::EventMessage = serde_json::from_str(
    ///     r#"{"Type":"container","Action":"die","Actor":{"ID":"1cd7","Attributes":{"exitCode":"137"}},
    ///         "scope":"local","time":1795863903,"timeNano":1795863903449878308}"#,
    /// ).unwrap();
    /// assert_eq!((e.typ.as_str(), e.action.as_str()), ("container", "die"));
    /// assert_eq!(e.actor.attributes["exitCode"], "137");
    /// assert!(e.status.is_empty()); // API 1.52+ shape
    /// assert_eq!(e.actor_id(), "1cd7");
    /// assert_eq!(e.time_nano(), 1795863903449878308);
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct EventMessage {
        /// `status` (legacy): the action, e.g. `kill`; empty when absent.
        status: String = "status" omitempty,
        /// `id` (legacy): the actor id; empty when absent.
        id: String = "id" omitempty,
        /// `from` (legacy): the container's image; empty when absent.
        from: String = "from" omitempty,
        /// `Type`: the kind of object, e.g. `container`.
        typ: String = "Type",
        /// `Action`, e.g. `start`, `die`, `kill`, `exec_start: sh`, `health_status: healthy`.
        action: String = "Action",
        /// `Actor`: the object and its attributes.
        actor: EventActor = "Actor",
        /// `scope`: `local` or `swarm`.
        scope: String = "scope" omitempty,
        /// `time`: Unix seconds.
        time: i64 = "time",
        /// `timeNano`: Unix nanoseconds (0 when absent; see [`time_nano`](Self::time_nano)).
        time_nano: i64 = "timeNano",
    }
}

impl EventMessage {
    /// The event time in Unix nanoseconds: `timeNano`, or `time` × 10⁹ when `timeNano`
    /// is 0 (saturating).
    ///
    /// ```
    /// use docker_models::EventMessage;
    /// let old: EventMessage = serde_json::from_str(r#"{"time":1700000000}"#).unwrap();
    /// assert_eq!(old.time_nano(), 1_700_000_000_000_000_000);
    /// let new: EventMessage = serde_json::from_str(r#"{"time":1700000000,"timeNano":1700000000123456789}"#).unwrap();
    /// assert_eq!(new.time_nano(), 1_700_000_000_123_456_789);
    /// ```
    pub fn time_nano(&self) -> i64 {
        if self.time_nano != 0 {
            self.time_nano
        } else {
            self.time.saturating_mul(1_000_000_000)
        }
    }

    /// The object's id: `Actor.ID`, or the legacy `id` when the actor has none.
    ///
    /// ```
    /// use docker_models::EventMessage;
    /// let legacy: EventMessage = serde_json::from_str(r#"{"id":"1cd78d71f60d","status":"die"}"#).unwrap();
    /// assert_eq!(legacy.actor_id(), "1cd78d71f60d");
    /// ```
    pub fn actor_id(&self) -> &str {
        if self.actor.id.is_empty() {
            &self.id
        } else {
            &self.actor.id
        }
    }
}

impl fmt::Display for EventMessage {
    /// `1795863893.397002825 container kill 1cd78d71... (image=bb:latest, name=x, signal=15)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.time_nano();
        let action = if self.action.is_empty() {
            &self.status
        } else {
            &self.action
        };
        write!(
            f,
            "{}.{:09} {} {} ",
            nanos.div_euclid(1_000_000_000),
            nanos.rem_euclid(1_000_000_000),
            self.typ,
            action,
        )?;
        if self.actor.id.is_empty() {
            let legacy = EventActor {
                id: self.id.clone(),
                ..EventActor::default()
            };
            write!(f, "{legacy}")
        } else {
            write!(f, "{}", self.actor)
        }
    }
}

model! {
    /// `Actor` of an [`EventMessage`]: the object the event is about.
    ///
    /// ```
    /// use docker_models::EventMessage;
    /// let event: EventMessage = serde_json::from_str(
    ///     r#"{"Type":"container","Action":"die","Actor":{"ID":"1cd78d71f60d","Attributes":{"exitCode":"0","name":"web"}}}"#,
    /// ).unwrap();
    /// assert_eq!(event.actor.id, "1cd78d71f60d");
    /// assert_eq!(event.actor.attributes["exitCode"], "0");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct EventActor {
        /// `ID`: a container, image, network or volume id (or name, for some types).
        id: String = "ID",
        /// `Attributes`: e.g. `name`, `image`, `exitCode`, `signal`, and container labels.
        attributes: BTreeMap<String, String> = "Attributes",
    }
}

impl fmt::Display for EventActor {
    /// `1cd78d71... (image=bb:latest, name=research-main)`; the id alone without attributes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)?;
        if !self.attributes.is_empty() {
            f.write_str(" (")?;
            for (i, (k, v)) in self.attributes.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{k}={v}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}
