//! The remote ways into the private engine, for the TLS and ssh live tests: `engine up
//! --tls` (a TLS listener on loopback with `--tlsverify`, certificates made here with
//! openssl) and `engine up --ssh` (an sshd of its own on a free loopback port, keys made
//! here with ssh-keygen, whose sessions find the engine through `SetEnv DOCKER_HOST`).
//!
//! Everything lives in the engine directory, where the tests look for it:
//!
//! - `tls/host`: `tcp://127.0.0.1:PORT`; `tls/client/{ca,cert,key}.pem`: the client's
//!   `DOCKER_CERT_PATH`; `tls/server-*.pem` and `tls/ca-key.pem`: the engine's side;
//!   `tls/wrong-ca.pem`: a CA that signed nothing here; `tls/expired/{cert,key}.pem`: a
//!   client certificate that expired in 2020; `tls/expired-server/{cert,key}.pem`: an
//!   expired server certificate for `localhost` and 127.0.0.1.
//! - `ssh/port`, `ssh/id_ed25519` (authorised), `ssh/wrong_key` (not), `ssh/known_hosts`
//!   (the host key of `[127.0.0.1]:PORT`), `ssh/sshd_config`, `ssh/sshd.pid`, `ssh/sshd.log`.
//!
//! Once made, the TLS listener is part of the engine: a later `up` (after a `down`) starts
//! dockerd with it again, so that the engine restarts of the watcher tests keep it.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// The TLS material of an engine directory.
pub(crate) struct TlsSetup {
    pub(crate) dir: PathBuf,
}

impl TlsSetup {
    pub(crate) fn new(engine_dir: &Path) -> TlsSetup {
        TlsSetup {
            dir: engine_dir.join("tls"),
        }
    }

    /// True once `--tls` made the certificates and chose the port.
    pub(crate) fn exists(&self) -> bool {
        self.dir.join("host").exists()
    }

    pub(crate) fn host(&self) -> Result<String, String> {
        read(&self.dir.join("host"))
    }

    /// The dockerd arguments of the TLS listener.
    pub(crate) fn dockerd_args(&self) -> Result<Vec<String>, String> {
        let path = |name: &str| self.dir.join(name).display().to_string();
        Ok(vec![
            "--host".into(),
            self.host()?,
            "--tlsverify".into(),
            "--tlscacert".into(),
            path("client/ca.pem"),
            "--tlscert".into(),
            path("server-cert.pem"),
            "--tlskey".into(),
            path("server-key.pem"),
        ])
    }

    /// Makes the certificates and picks the port, unless done already.
    pub(crate) fn ensure(&self) -> Result<(), String> {
        if self.exists() {
            return Ok(());
        }
        need_program("openssl", "openssl")?;
        let d = &self.dir;
        let _ = fs::remove_dir_all(d);
        for sub in ["client", "expired", "expired-server", "ca-db"] {
            mkdir(&d.join(sub))?;
        }
        let p = |name: &str| d.join(name).display().to_string();
        let days = "3650";
        // The CA, and a second one that signs nothing here.
        for (key, cert, cn) in [
            ("ca-key.pem", "client/ca.pem", "docker-rs test CA"),
            ("wrong-ca-key.pem", "wrong-ca.pem", "docker-rs wrong CA"),
        ] {
            openssl(&[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &p(key),
                "-out",
                &p(cert),
                "-days",
                days,
                "-subj",
                &format!("/CN={cn}"),
            ])?;
        }
        write(
            &d.join("server.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        )?;
        write(&d.join("client.ext"), "extendedKeyUsage=clientAuth\n")?;
        let sign = |key: &str, cert: &str, cn: &str, ext: &str| -> Result<(), String> {
            let csr = p("req.csr");
            openssl(&[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &p(key),
                "-out",
                &csr,
                "-subj",
                &format!("/CN={cn}"),
            ])?;
            openssl(&[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                &p("client/ca.pem"),
                "-CAkey",
                &p("ca-key.pem"),
                "-CAcreateserial",
                "-out",
                &p(cert),
                "-days",
                days,
                "-extfile",
                &p(ext),
            ])
        };
        sign(
            "server-key.pem",
            "server-cert.pem",
            "localhost",
            "server.ext",
        )?;
        sign(
            "client/key.pem",
            "client/cert.pem",
            "docker-rs client",
            "client.ext",
        )?;
        // Expired ones: `openssl ca` is the one openssl 3.0 command that sets the dates.
        write(&d.join("ca-db/index.txt"), "")?;
        write(&d.join("ca-db/serial"), "1000\n")?;
        let conf = format!(
            "[ca]\ndefault_ca = dflt\n[dflt]\ndatabase = {db}/index.txt\nnew_certs_dir = {db}\n\
             serial = {db}/serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\n\
             [any]\ncommonName = supplied\n[client]\nextendedKeyUsage = clientAuth\n\
             [server]\nsubjectAltName = DNS:localhost,IP:127.0.0.1\nextendedKeyUsage = serverAuth\n",
            db = p("ca-db")
        );
        write(&d.join("ca.conf"), &conf)?;
        for (dir, cn, ext) in [
            ("expired", "docker-rs expired client", "client"),
            ("expired-server", "localhost", "server"),
        ] {
            let csr = p("req.csr");
            openssl(&[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &p(&format!("{dir}/key.pem")),
                "-out",
                &csr,
                "-subj",
                &format!("/CN={cn}"),
            ])?;
            openssl(&[
                "ca",
                "-batch",
                "-notext",
                "-config",
                &p("ca.conf"),
                "-cert",
                &p("client/ca.pem"),
                "-keyfile",
                &p("ca-key.pem"),
                "-in",
                &csr,
                "-out",
                &p(&format!("{dir}/cert.pem")),
                "-startdate",
                "20200101000000Z",
                "-enddate",
                "20200102000000Z",
                "-extensions",
                ext,
            ])?;
        }
        let port = free_port()?;
        // Written last: its presence says the rest is complete.
        write(&d.join("host"), &format!("tcp://127.0.0.1:{port}\n"))?;
        eprintln!("TLS certificates made in {}", d.display());
        Ok(())
    }
}

/// The private sshd of an engine directory.
pub(crate) struct SshSetup {
    dir: PathBuf,
}

impl SshSetup {
    pub(crate) fn new(engine_dir: &Path) -> SshSetup {
        SshSetup {
            dir: engine_dir.join("ssh"),
        }
    }

    fn pidfile(&self) -> PathBuf {
        self.dir.join("sshd.pid")
    }

    fn pid(&self) -> Option<u32> {
        let pid: u32 = read(&self.pidfile()).ok()?.parse().ok()?;
        let line = crate::engine::cmdline(pid)?;
        (line.contains("sshd") && crate::engine::is_alive(pid)).then_some(pid)
    }

    /// Starts the sshd (making its keys and configuration first), unless it runs.
    pub(crate) fn up(&self, docker_host: &str) -> Result<(), String> {
        if self.pid().is_some() {
            eprintln!("sshd already runs (see {})", self.dir.display());
            return Ok(());
        }
        let sshd = Path::new("/usr/sbin/sshd");
        if !sshd.exists() {
            return Err(
                "no /usr/sbin/sshd: install openssh-server (apt-get install openssh-server)".into(),
            );
        }
        need_program("ssh-keygen", "openssh-client")?;
        let d = &self.dir;
        let _ = fs::remove_dir_all(d);
        mkdir(d)?;
        for key in ["host_key", "id_ed25519", "wrong_key"] {
            let status = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", key, "-f"])
                .arg(d.join(key))
                .status()
                .map_err(|e| format!("cannot run ssh-keygen: {e}"))?;
            if !status.success() {
                return Err(format!("ssh-keygen failed for {key}: {status}"));
            }
        }
        fs::copy(d.join("id_ed25519.pub"), d.join("authorized_keys"))
            .map_err(|e| format!("cannot write authorized_keys: {e}"))?;
        let port = free_port()?;
        let host_pub = read(&d.join("host_key.pub"))?;
        let host_pub: Vec<&str> = host_pub.split_whitespace().take(2).collect();
        write(
            &d.join("known_hosts"),
            &format!("[127.0.0.1]:{port} {}\n", host_pub.join(" ")),
        )?;
        let p = |name: &str| d.join(name).display().to_string();
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\nAuthorizedKeysFile {}\n\
             PermitRootLogin prohibit-password\nPasswordAuthentication no\n\
             KbdInteractiveAuthentication no\nStrictModes no\nUsePAM no\nLogLevel ERROR\n\
             SetEnv DOCKER_HOST={docker_host}\n",
            p("host_key"),
            p("sshd.pid"),
            p("authorized_keys"),
        );
        write(&d.join("sshd_config"), &config)?;
        // The privilege separation directory that Debian's service would make.
        mkdir(Path::new("/run/sshd"))?;
        let status = Command::new(sshd)
            .arg("-f")
            .arg(d.join("sshd_config"))
            .arg("-E")
            .arg(d.join("sshd.log"))
            .status()
            .map_err(|e| format!("cannot run sshd: {e}"))?;
        if !status.success() {
            return Err(format!(
                "sshd failed ({status}): {}",
                read(&d.join("sshd.log")).unwrap_or_default()
            ));
        }
        // sshd forks and writes its pidfile; wait until it listens.
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() >= deadline {
                return Err(format!("sshd does not listen on 127.0.0.1:{port}"));
            }
            sleep(Duration::from_millis(50));
        }
        write(&d.join("port"), &format!("{port}\n"))?;
        eprintln!("sshd listens on 127.0.0.1:{port} (keys in {})", d.display());
        Ok(())
    }

    /// Stops the sshd, if it runs; its sessions go with it.
    pub(crate) fn down(&self) -> Result<(), String> {
        if let Some(pid) = self.pid() {
            eprintln!("stopping sshd (pid {pid})");
            crate::engine::terminate(&[pid], Duration::from_secs(5))?;
        }
        let _ = fs::remove_file(self.pidfile());
        Ok(())
    }
}

fn openssl(args: &[&str]) -> Result<(), String> {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run openssl: {e}"))?;
    match out.status.success() {
        true => Ok(()),
        false => Err(format!(
            "openssl {} failed: {}",
            args.first().unwrap_or(&""),
            String::from_utf8_lossy(&out.stderr)
        )),
    }
}

fn need_program(name: &str, package: &str) -> Result<(), String> {
    match crate::engine::find_program(name) {
        Some(_) => Ok(()),
        None => Err(format!("`{name}` is missing: apt-get install {package}")),
    }
}

/// A port that was free a moment ago on 127.0.0.1.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

fn mkdir(path: &Path) -> Result<(), String> {
    fs::create_dir_all(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path)
        .map(|s| s.trim().to_owned())
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}
