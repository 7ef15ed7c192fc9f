//! `dkr inspect`: containers, images and networks as JSON, found the way `docker inspect`
//! finds them: a container, else an image, else a network.

use std::io::{self, Write};

use docker_client::blocking::Client;
use docker_client::Error;
use docker_models::{ContainerInspect, ImageInspect, NetworkInspect};
use serde::Serialize;

use crate::args::{InspectArgs, ObjectType};
use crate::error::{self, Failure};
use crate::text;

/// One object found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Found {
    /// A container.
    Container(Box<ContainerInspect>),
    /// An image.
    Image(Box<ImageInspect>),
    /// A network.
    Network(Box<NetworkInspect>),
}

/// The kinds to try, in order.
fn kinds(typ: Option<ObjectType>) -> &'static [ObjectType] {
    match typ {
        None => &[
            ObjectType::Container,
            ObjectType::Image,
            ObjectType::Network,
        ],
        Some(ObjectType::Container) => &[ObjectType::Container],
        Some(ObjectType::Image) => &[ObjectType::Image],
        Some(ObjectType::Network) => &[ObjectType::Network],
    }
}

fn inspect_one(client: &Client, kind: ObjectType, name: &str) -> Result<Found, Error> {
    Ok(match kind {
        ObjectType::Container => Found::Container(Box::new(client.inspect_container(name)?)),
        ObjectType::Image => Found::Image(Box::new(client.inspect_image(name)?)),
        ObjectType::Network => Found::Network(Box::new(client.inspect_network(name)?)),
    })
}

/// Whether to go on with the next kind: the object is not of this kind.
fn skippable(e: &Error) -> bool {
    e.is_not_found() || matches!(e, Error::InvalidArgument { .. })
}

/// Looks up every name; the ones not found become `Error: No such object: NAME` lines
/// (with `--type`, the engine's message), other refusals the engine's message, and a name
/// that the client refused before asking (empty, `..`, a control character) its reason.
pub fn lookup(
    client: &Client,
    names: &[String],
    typ: Option<ObjectType>,
) -> Result<(Vec<Found>, Vec<String>), Failure> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    'names: for name in names {
        // The client's reason, while every kind so far refused the name before asking.
        let mut refused = None;
        for &kind in kinds(typ) {
            match inspect_one(client, kind, name) {
                Ok(f) => {
                    found.push(f);
                    continue 'names;
                }
                Err(e) if error::is_unreachable(&e) => return Err(Failure::Client(e)),
                Err(e) if typ.is_none() && skippable(&e) => {
                    refused = match (&e, refused) {
                        (Error::InvalidArgument { .. }, None) => Some(Some(e)),
                        (Error::InvalidArgument { .. }, Some(first)) => Some(first),
                        _ => Some(None),
                    };
                    continue;
                }
                Err(e) => {
                    errors.push(error::client_message(&e));
                    continue 'names;
                }
            }
        }
        match refused {
            Some(Some(reason)) => errors.push(error::client_message(&reason)),
            _ => errors.push(not_found_message(name)),
        }
    }
    Ok((found, errors))
}

/// `Error: No such object: NAME`. (With `--type` the engine's own message is shown.)
pub fn not_found_message(name: &str) -> String {
    format!("Error: No such object: {name}")
}

/// Inspects the names, writes the JSON array of what was found, then fails (exit 1) if any
/// name was not found, as docker does.
pub fn run(client: &Client, args: &InspectArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let (found, errors) = lookup(client, &args.names, args.typ)?;
    render(&found, out)?;
    match errors.is_empty() {
        true => Ok(()),
        false => Err(Failure::Reported(errors)),
    }
}

/// The JSON array, indented with four spaces like `docker inspect`.
pub fn render(found: &[Found], out: &mut dyn Write) -> io::Result<()> {
    text::write_json_pretty(out, found)
}
