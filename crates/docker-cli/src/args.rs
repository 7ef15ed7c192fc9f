//! The command line: global options and one subcommand, parsed by clap.
//!
//! Usage errors exit with status 2 (clap's default), `--help` and `--version` with 0.

use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// dkr: a small, fast Docker command-line program.
#[derive(Debug, Parser)]
#[command(
    name = "dkr",
    version,
    about = "A small, fast Docker command-line program",
    long_about = "A small, fast Docker command-line program.\n\n\
        The engine is found as docker finds it: --host or --context, else DOCKER_HOST, \
        else DOCKER_CONTEXT, else the current context of config.json (dkr context use), \
        else the first of /var/run/docker.sock, $XDG_RUNTIME_DIR/docker.sock, \
        ~/.docker/run/docker.sock, $XDG_RUNTIME_DIR/podman/podman.sock and \
        /run/podman/podman.sock that exists. \
        DOCKER_API_VERSION pins the API version instead of negotiating it.\n\n\
        Exit status: 0 success, 1 the engine refused (or an object was not found), \
        2 usage error, 125 the engine cannot be reached. run and exec exit with the status \
        of what they ran; run with 125, 126 or 127 when it cannot start it, as docker.",
    disable_help_subcommand = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The engine's address: unix:///path/docker.sock, tcp://host:port [env: DOCKER_HOST]
    #[arg(
        short = 'H',
        long,
        global = true,
        value_name = "HOST",
        help_heading = "Global options"
    )]
    pub host: Option<String>,

    /// The docker CLI context to use (overrides DOCKER_HOST and `dkr context use`)
    /// [env: DOCKER_CONTEXT]
    #[arg(
        short = 'c',
        long,
        global = true,
        value_name = "NAME",
        help_heading = "Global options"
    )]
    pub context: Option<String>,

    /// Use TLS; implied by --tlsverify [env: DOCKER_TLS]
    #[arg(long, global = true, help_heading = "Global options")]
    pub tls: bool,

    /// Use TLS and verify the engine [env: DOCKER_TLS_VERIFY]
    #[arg(long, global = true, help_heading = "Global options")]
    pub tlsverify: bool,

    /// Trust certs signed only by this CA (default DOCKER_CERT_PATH/ca.pem)
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        help_heading = "Global options"
    )]
    pub tlscacert: Option<std::path::PathBuf>,

    /// Path to the TLS certificate file (default DOCKER_CERT_PATH/cert.pem)
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        help_heading = "Global options"
    )]
    pub tlscert: Option<std::path::PathBuf>,

    /// Path to the TLS key file (default DOCKER_CERT_PATH/key.pem)
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        help_heading = "Global options"
    )]
    pub tlskey: Option<std::path::PathBuf>,

    /// Output format: table (docker's look) or json (the engine's models)
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = Format::Table,
        hide_possible_values = true,
        help_heading = "Global options"
    )]
    pub format: Format,

    /// Do not truncate IDs, commands and names
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_trunc: bool,

    /// Seconds a call may take, retries included (default 300); streams such as logs -f,
    /// events and pull are bounded only in how long their answer may take to begin
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        value_parser = parse_seconds,
        help_heading = "Global options"
    )]
    pub timeout: Option<Duration>,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Columns and text like the Docker CLI's.
    Table,
    /// The engine's JSON models, with the engine's key names.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage contexts
    Context(ContextArgs),
    /// List containers
    Ps(PsArgs),
    /// Show low-level information on containers, images or networks, as JSON
    Inspect(InspectArgs),
    /// Show the running processes of a container
    Top(TopArgs),
    /// Show the files changed in a container's filesystem
    Diff(DiffArgs),
    /// Send a signal to one or more running containers (SIGKILL unless -s)
    Kill(KillArgs),
    /// Restart one or more containers
    Restart(RestartArgs),
    /// Print the engine's events, following them live unless --until is given
    Events(EventsArgs),
    /// Follow the running containers live: a table redrawn in a terminal, one line per
    /// change when piped
    Watch(WatchArgs),
    /// Show system-wide information
    Info,
    /// Show the dkr and engine versions
    Version,
    /// Send any request to the engine and print the answer's body
    Request(RequestArgs),
    /// Create and start a container from an image; without -d, print its output and exit
    /// with its exit status
    Run(RunArgs),
    /// Print a container's output (stdout to stdout, stderr to stderr)
    Logs(LogsArgs),
    /// Run a command in a running container and exit with its exit status
    Exec(ExecArgs),
    /// Stop one or more running containers (SIGTERM, then SIGKILL after -t seconds)
    Stop(StopArgs),
    /// Remove one or more containers
    Rm(RmArgs),
    /// Copy files or directories between a container and the local filesystem
    Cp(CpArgs),
    /// List images
    Images(ImagesArgs),
    /// Download an image from a registry, showing the progress
    Pull(PullArgs),
    /// Upload an image to a registry, showing the progress
    Push(PushArgs),
    /// List, create and remove networks
    Network(NetworkArgs),
    /// List, create and remove volumes
    Volume(VolumeArgs),
    /// Log in to a registry (the credentials are checked by the engine and stored like
    /// docker stores them)
    Login(LoginArgs),
}

/// `dkr ps`.
#[derive(Debug, Args)]
pub struct PsArgs {
    /// Show all containers (only running ones by default)
    #[arg(short, long)]
    pub all: bool,
    /// Filter, as key=value (status=exited, label=k=v, name=web...); repeatable
    #[arg(short, long = "filter", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub filters: Vec<(String, String)>,
    /// Only print container IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Show the N most recently created containers (all states)
    #[arg(short = 'n', long, value_name = "N")]
    pub last: Option<u32>,
    /// Show the latest created container (all states)
    #[arg(short, long)]
    pub latest: bool,
}

/// The kinds of object `dkr inspect` looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectType {
    /// A container (ID, ID prefix or name).
    Container,
    /// An image (ID or reference).
    Image,
    /// A network (ID or name).
    Network,
}

/// `dkr inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Look for this kind only (else a container, then an image, then a network)
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub typ: Option<ObjectType>,
    /// Names or IDs
    #[arg(required = true, value_name = "NAME|ID")]
    pub names: Vec<String>,
}

/// `dkr top`.
#[derive(Debug, Args)]
pub struct TopArgs {
    /// Add the CGROUP column (ps args -o pid,ppid,user,cgroup:512,args, or cgroup added to
    /// the -o list given)
    #[arg(long)]
    pub cgroup: bool,
    /// The container
    #[arg(value_name = "CONTAINER")]
    pub container: String,
    /// Arguments for ps (default -ef)
    #[arg(
        value_name = "PS ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub ps_args: Vec<String>,
}

/// `dkr diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The container
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

/// `dkr kill`.
#[derive(Debug, Args)]
pub struct KillArgs {
    /// The signal to send: a name (SIGTERM, TERM) or a number
    #[arg(short, long, value_name = "SIGNAL")]
    pub signal: Option<String>,
    /// The containers
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

/// `dkr restart`.
#[derive(Debug, Args)]
pub struct RestartArgs {
    /// Seconds to wait for the container to stop before killing it (engine default 10)
    #[arg(short = 't', long = "time", value_name = "SECONDS")]
    pub time: Option<u64>,
    /// The containers
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

/// `dkr events`.
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Show events since this time: RFC 3339 (2026-11-28T11:04:53Z), Unix seconds, or a
    /// duration before now (10m, 1h30m)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Stop at this time (same forms; 0s is now); without it, follow until Ctrl-C
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Filter, as key=value (type=container, event=die, container=web...); repeatable
    #[arg(short, long = "filter", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub filters: Vec<(String, String)>,
}

/// `dkr watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Only containers with this label (KEY or KEY=VALUE); repeatable, all must match
    #[arg(long = "label", value_name = "LABEL")]
    pub labels: Vec<String>,
}

/// `dkr request`.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The HTTP method: GET, POST, PUT, DELETE, HEAD...
    #[arg(value_name = "METHOD")]
    pub method: String,
    /// The path, percent-encoded, without the version prefix: /containers/json
    #[arg(value_name = "PATH")]
    pub path: String,
    /// A query parameter, as key=value (sent encoded); repeatable
    #[arg(long = "query", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub query: Vec<(String, String)>,
    /// A JSON body: the text itself, @FILE to read a file, or - to read standard input
    #[arg(long, value_name = "JSON")]
    pub data: Option<String>,
}

/// `dkr run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Remove the container when it exits
    #[arg(long)]
    pub rm: bool,
    /// Run in the background and print the container ID
    #[arg(short, long)]
    pub detach: bool,
    /// Keep standard input open and send it to the container
    #[arg(short, long)]
    pub interactive: bool,
    /// Allocate a pseudo-TTY (stdout and stderr become one stream)
    #[arg(short, long)]
    pub tty: bool,
    /// The container's name
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// An environment variable, KEY=VALUE (KEY alone takes dkr's value); repeatable
    #[arg(short, long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// A label, KEY=VALUE (KEY alone for an empty value); repeatable
    #[arg(short, long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// The working directory inside the container
    #[arg(short, long, value_name = "DIR")]
    pub workdir: Option<String>,
    /// The user: name|uid[:group|gid]
    #[arg(short, long, value_name = "USER")]
    pub user: Option<String>,
    /// Override the image's entrypoint ("" clears it)
    #[arg(long, value_name = "COMMAND")]
    pub entrypoint: Option<String>,
    /// A bind mount or volume, SRC:DST[:ro|rw], or DST alone for an anonymous volume;
    /// repeatable
    #[arg(short, long = "volume", value_name = "SRC:DST[:OPTS]")]
    pub volumes: Vec<String>,
    /// Publish a port, [IP:][HOSTPORT:]PORT[/PROTO]; repeatable
    #[arg(short, long = "publish", value_name = "[IP:][HOST:]PORT[/PROTO]")]
    pub publish: Vec<String>,
    /// Connect the container to this network
    #[arg(long, value_name = "NETWORK")]
    pub network: Option<String>,
    /// Restart policy: no, always, unless-stopped, on-failure[:MAX-RETRIES]
    #[arg(long, value_name = "POLICY")]
    pub restart: Option<String>,
    /// Memory limit: bytes, or with a unit: 512m, 1.5g (b, k, m, g, t, p)
    #[arg(short, long, value_name = "BYTES")]
    pub memory: Option<String>,
    /// The image
    #[arg(value_name = "IMAGE")]
    pub image: String,
    /// The command and its arguments (else the image's)
    #[arg(
        value_name = "COMMAND",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub command: Vec<String>,
}

/// `dkr logs`.
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Follow the output until the container stops
    #[arg(short, long)]
    pub follow: bool,
    /// Only the last N lines ("all" for everything)
    #[arg(short = 'n', long, value_name = "N", value_parser = parse_tail)]
    pub tail: Option<Tail>,
    /// Only output since this time: RFC 3339, Unix seconds, or a duration before now (10m)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only output before this time (same forms)
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Prefix each line with its RFC 3339 timestamp
    #[arg(short, long)]
    pub timestamps: bool,
    /// The container
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

/// `--tail`: a number of lines, or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail {
    /// Every line.
    All,
    /// The last N lines.
    Lines(u64),
}

/// `dkr exec`.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Keep standard input open and send it to the command
    #[arg(short, long)]
    pub interactive: bool,
    /// Allocate a pseudo-TTY
    #[arg(short, long)]
    pub tty: bool,
    /// An environment variable, KEY=VALUE (KEY alone takes dkr's value); repeatable
    #[arg(short, long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// The user: name|uid[:group|gid]
    #[arg(short, long, value_name = "USER")]
    pub user: Option<String>,
    /// The working directory inside the container
    #[arg(short, long, value_name = "DIR")]
    pub workdir: Option<String>,
    /// The container
    #[arg(value_name = "CONTAINER")]
    pub container: String,
    /// The command and its arguments
    #[arg(
        required = true,
        value_name = "COMMAND",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub command: Vec<String>,
}

/// `dkr stop`.
#[derive(Debug, Args)]
pub struct StopArgs {
    /// Seconds to wait for the container to stop before killing it (else the container's
    /// or the engine's default, 10)
    #[arg(short = 't', long = "time", value_name = "SECONDS")]
    pub time: Option<u64>,
    /// The containers
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

/// `dkr rm`.
#[derive(Debug, Args)]
pub struct RmArgs {
    /// Kill and remove running containers
    #[arg(short, long)]
    pub force: bool,
    /// Remove the containers' anonymous volumes too
    #[arg(short, long)]
    pub volumes: bool,
    /// The containers
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

/// `dkr cp`.
#[derive(Debug, Args)]
pub struct CpArgs {
    /// CONTAINER:SRC_PATH to copy out, or a local path (- for a tar on standard input) to
    /// copy in
    #[arg(value_name = "SRC")]
    pub source: String,
    /// A local path (- for a tar on standard output), or CONTAINER:DEST_PATH
    #[arg(value_name = "DEST")]
    pub dest: String,
}

/// `dkr images`.
#[derive(Debug, Args)]
pub struct ImagesArgs {
    /// Show all images (intermediate ones too)
    #[arg(short, long)]
    pub all: bool,
    /// Only print image IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Filter, as key=value (dangling=true, label=k=v, reference=bb*...); repeatable
    #[arg(short, long = "filter", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub filters: Vec<(String, String)>,
    /// Only images of this repository (and tag)
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub reference: Option<String>,
}

/// `dkr pull`.
#[derive(Debug, Args)]
pub struct PullArgs {
    /// Print only the image's reference at the end
    #[arg(short, long)]
    pub quiet: bool,
    /// The image: NAME[:TAG|@DIGEST] (the tag latest when none is given)
    #[arg(value_name = "NAME[:TAG|@DIGEST]")]
    pub image: String,
}

/// `dkr push`.
#[derive(Debug, Args)]
pub struct PushArgs {
    /// Push every tag of the repository
    #[arg(short, long)]
    pub all_tags: bool,
    /// Print only the image's reference at the end
    #[arg(short, long)]
    pub quiet: bool,
    /// The image: NAME[:TAG] (the tag latest when none is given)
    #[arg(value_name = "NAME[:TAG]")]
    pub image: String,
}

/// `dkr context`.
#[derive(Debug, Args)]
pub struct ContextArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ContextCommand,
}

/// The `context` subcommands.
#[derive(Debug, Subcommand)]
pub enum ContextCommand {
    /// List contexts
    #[command(alias = "list")]
    Ls(ContextLsArgs),
    /// Print the name of the current context
    Show,
    /// Display detailed information on one or more contexts
    Inspect(ContextInspectArgs),
    /// Set the current docker context
    Use(ContextUseArgs),
    /// Create a context
    Create(ContextCreateArgs),
    /// Remove one or more contexts
    #[command(alias = "remove")]
    Rm(ContextRmArgs),
}

/// `dkr context create`.
#[derive(Debug, Args)]
pub struct ContextCreateArgs {
    /// The new context
    #[arg(value_name = "CONTEXT")]
    pub name: String,
    /// Description of the context
    #[arg(long, value_name = "string")]
    pub description: Option<String>,
    /// The docker endpoint, as docker's KEY=VALUE,... (host, ca, cert, key,
    /// skip-tls-verify, from); repeated, later keys win
    #[arg(long, value_name = "stringToString")]
    pub docker: Vec<String>,
    /// Create the context from a named context
    #[arg(long, value_name = "string")]
    pub from: Option<String>,
}

/// `dkr context rm`.
#[derive(Debug, Args)]
pub struct ContextRmArgs {
    /// Force the removal of a context in use
    #[arg(short, long)]
    pub force: bool,
    /// The contexts
    #[arg(value_name = "CONTEXT", required = true)]
    pub names: Vec<String>,
}

/// `dkr context ls`.
#[derive(Debug, Args)]
pub struct ContextLsArgs {
    /// Only show context names
    #[arg(short, long)]
    pub quiet: bool,
}

/// `dkr context inspect`.
#[derive(Debug, Args)]
pub struct ContextInspectArgs {
    /// The contexts (default: the current one)
    #[arg(value_name = "CONTEXT")]
    pub names: Vec<String>,
}

/// `dkr context use`.
#[derive(Debug, Args)]
pub struct ContextUseArgs {
    /// The context
    #[arg(value_name = "CONTEXT")]
    pub name: String,
}

/// `dkr network`.
#[derive(Debug, Args)]
pub struct NetworkArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: NetworkCommand,
}

/// The `network` subcommands.
#[derive(Debug, Subcommand)]
pub enum NetworkCommand {
    /// List networks
    #[command(alias = "list")]
    Ls(NetworkLsArgs),
    /// Create a network and print its ID
    Create(NetworkCreateArgs),
    /// Remove one or more networks
    #[command(alias = "remove")]
    Rm(NetworkRmArgs),
}

/// `dkr network ls`.
#[derive(Debug, Args)]
pub struct NetworkLsArgs {
    /// Only print network IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Filter, as key=value (driver=bridge, name=net, label=k=v...); repeatable
    #[arg(short, long = "filter", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub filters: Vec<(String, String)>,
}

/// `dkr network create`.
#[derive(Debug, Args)]
pub struct NetworkCreateArgs {
    /// The driver (the engine's default is bridge)
    #[arg(short, long, value_name = "DRIVER")]
    pub driver: Option<String>,
    /// A label, KEY=VALUE (KEY alone for an empty value); repeatable
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// A driver option, KEY=VALUE; repeatable
    #[arg(short = 'o', long = "opt", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub options: Vec<(String, String)>,
    /// No external connectivity
    #[arg(long)]
    pub internal: bool,
    /// Let standalone containers attach (swarm networks)
    #[arg(long)]
    pub attachable: bool,
    /// Enable IPv6
    #[arg(long)]
    pub ipv6: bool,
    /// The subnet, in CIDR form (10.1.0.0/24)
    #[arg(long, value_name = "CIDR")]
    pub subnet: Option<String>,
    /// The gateway of the subnet
    #[arg(long, value_name = "IP")]
    pub gateway: Option<String>,
    /// The network's name
    #[arg(value_name = "NAME")]
    pub name: String,
}

/// `dkr network rm`.
#[derive(Debug, Args)]
pub struct NetworkRmArgs {
    /// The networks
    #[arg(required = true, value_name = "NETWORK")]
    pub networks: Vec<String>,
}

/// `dkr volume`.
#[derive(Debug, Args)]
pub struct VolumeArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: VolumeCommand,
}

/// The `volume` subcommands.
#[derive(Debug, Subcommand)]
pub enum VolumeCommand {
    /// List volumes
    #[command(alias = "list")]
    Ls(VolumeLsArgs),
    /// Create a volume and print its name
    Create(VolumeCreateArgs),
    /// Remove one or more volumes
    #[command(alias = "remove")]
    Rm(VolumeRmArgs),
}

/// `dkr volume ls`.
#[derive(Debug, Args)]
pub struct VolumeLsArgs {
    /// Only print volume names
    #[arg(short, long)]
    pub quiet: bool,
    /// Filter, as key=value (dangling=true, driver=local, label=k=v, name=data...);
    /// repeatable
    #[arg(short, long = "filter", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub filters: Vec<(String, String)>,
}

/// `dkr volume create`.
#[derive(Debug, Args)]
pub struct VolumeCreateArgs {
    /// The driver (default local)
    #[arg(short, long, value_name = "DRIVER")]
    pub driver: Option<String>,
    /// A driver option, KEY=VALUE (for local: type, device, o); repeatable
    #[arg(short = 'o', long = "opt", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub options: Vec<(String, String)>,
    /// A label, KEY=VALUE (KEY alone for an empty value); repeatable
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// The volume's name (else the engine makes one up)
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
}

/// `dkr volume rm`.
#[derive(Debug, Args)]
pub struct VolumeRmArgs {
    /// Remove the volumes even when the engine would refuse (not when in use)
    #[arg(short, long)]
    pub force: bool,
    /// The volumes
    #[arg(required = true, value_name = "VOLUME")]
    pub volumes: Vec<String>,
}

/// `dkr login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The user name (else asked for)
    #[arg(short, long, value_name = "USER")]
    pub username: Option<String>,
    /// Read the password from standard input (else it is asked for, without echo)
    #[arg(long)]
    pub password_stdin: bool,
    /// The registry (default Docker Hub)
    #[arg(value_name = "SERVER")]
    pub server: Option<String>,
}

/// `--tail`: a count or `all`.
fn parse_tail(s: &str) -> Result<Tail, String> {
    if s == "all" {
        return Ok(Tail::All);
    }
    s.parse()
        .map(Tail::Lines)
        .map_err(|_| format!("expected a number of lines or \"all\", got {s:?}"))
}

/// `key=value`, split at the first `=`.
fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {s:?}")),
    }
}

/// Non-negative seconds, fractions allowed.
fn parse_seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("expected a number of seconds, got {s:?}"))?;
    Duration::try_from_secs_f64(secs)
        .map_err(|_| format!("{s:?} is not a usable number of seconds"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn key_values_split_at_the_first_equals() {
        assert_eq!(
            parse_key_value("label=a=b"),
            Ok(("label".into(), "a=b".into()))
        );
        assert_eq!(parse_key_value("status="), Ok(("status".into(), "".into())));
        assert!(parse_key_value("status").is_err());
        assert!(parse_key_value("=x").is_err());
    }

    #[test]
    fn seconds_take_fractions_and_refuse_negatives() {
        assert_eq!(parse_seconds("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("NaN").is_err());
        assert!(parse_seconds("x").is_err());
    }

    #[test]
    fn global_options_go_before_or_after_the_command() {
        let a = Cli::try_parse_from(["dkr", "--format", "json", "ps", "-a"]).unwrap();
        let b = Cli::try_parse_from(["dkr", "ps", "-a", "--format", "json"]).unwrap();
        assert_eq!(a.format, Format::Json);
        assert_eq!(b.format, Format::Json);
        let c = Cli::try_parse_from(["dkr", "-H", "unix:///x.sock", "ps"]).unwrap();
        assert_eq!(c.host.as_deref(), Some("unix:///x.sock"));
    }

    #[test]
    fn top_takes_ps_arguments_after_the_container() {
        let cli = Cli::try_parse_from(["dkr", "top", "web", "-o", "pid,args"]).unwrap();
        let Command::Top(top) = cli.command else {
            panic!("not top")
        };
        assert_eq!(top.container, "web");
        assert_eq!(top.ps_args, ["-o", "pid,args"]);
    }

    #[test]
    fn new_commands_parse_like_docker() {
        let cli = Cli::try_parse_from(["dkr", "logs", "-f", "-n", "all", "-t", "web"]).unwrap();
        let Command::Logs(logs) = cli.command else {
            panic!("not logs")
        };
        assert!(logs.follow && logs.timestamps);
        assert_eq!(logs.tail, Some(Tail::All));
        let cli = Cli::try_parse_from(["dkr", "network", "list", "-q"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Network(NetworkArgs {
                command: NetworkCommand::Ls(NetworkLsArgs { quiet: true, .. })
            })
        ));
        let cli = Cli::try_parse_from(["dkr", "volume", "remove", "-f", "a", "b"]).unwrap();
        let Command::Volume(VolumeArgs {
            command: VolumeCommand::Rm(rm),
        }) = cli.command
        else {
            panic!("not volume rm")
        };
        assert!(rm.force);
        assert_eq!(rm.volumes, ["a", "b"]);
        let cli = Cli::try_parse_from(["dkr", "exec", "-it", "web", "sh", "-c", "ls -l"]).unwrap();
        let Command::Exec(exec) = cli.command else {
            panic!("not exec")
        };
        assert!(exec.interactive && exec.tty);
        assert_eq!(exec.command, ["sh", "-c", "ls -l"]);
    }

    #[test]
    fn usage_errors_exit_2() {
        for argv in [
            &["dkr", "nosuch"][..],
            &["dkr", "kill"],
            &["dkr", "ps", "--filter", "novalue"],
            &["dkr", "--format", "yaml", "ps"],
            &["dkr", "run"],
            &["dkr", "exec", "web"],
            &["dkr", "logs", "--tail", "ten", "web"],
            &["dkr", "stop", "-t", "-1", "web"],
            &["dkr", "cp", "web:/etc"],
            &["dkr", "network"],
            &["dkr", "network", "create"],
            &["dkr", "volume", "rm"],
            &["dkr", "network", "create", "-o", "novalue", "n"],
        ] {
            let err = Cli::try_parse_from(argv).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{argv:?}");
        }
    }
}
