//! TLS for `tcp://` and `https://` endpoints (feature `tls`): the settings, their loading,
//! and the session of one connection, driven inside the shared loop.
//!
//! rustls's `ClientConnection` does no IO, like docker-wire: plaintext goes in and out of
//! it, and ciphertext is handed to and taken from the socket by the caller. So a TLS
//! connection changes nothing in the wants of `drive`: the room of a read is ciphertext
//! room, the bytes of a write are ciphertext, and the exchange moves the plaintext between
//! the session and its buffers (`Exchange`). The handshake is the first writes and reads
//! of a new connection; the flavours see only bytes.
//!
//! Certificate validity is checked against the wall clock by rustls's own time provider,
//! the one clock the shared code does not take from the flavour: it is a date, not a
//! deadline.

use std::fmt;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};

use crate::buffer::ReadBuf;
use crate::error::{CertificateItem, TlsProblem};
use crate::Error;

/// Where a PEM item (a certificate or a key) comes from.
///
/// ```
/// use docker_transport::Pem;
/// let ca = Pem::File("/etc/docker/certs/ca.pem".into());
/// let key = Pem::Memory(b"-----BEGIN PRIVATE KEY-----\n...".to_vec());
/// # let _ = (ca, key);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Pem {
    /// A file, read when the settings are loaded ([`Tls::new`]).
    File(PathBuf),
    /// PEM text held in memory.
    Memory(Vec<u8>),
}

impl fmt::Debug for Pem {
    /// A file shows its path; PEM in memory shows only its length, never a key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pem::File(path) => f.debug_tuple("File").field(path).finish(),
            Pem::Memory(bytes) => write!(f, "Memory({} bytes)", bytes.len()),
        }
    }
}

/// What a TLS connection uses: the CA that signs the engine's certificate, the client's
/// certificate and key, whether the server is verified, and the name it must carry.
///
/// The docker CLI's rules: with `--tlsverify` (or `DOCKER_TLS_VERIFY`) the server is checked
/// against the CA; with `--tls` alone it is not ([`TlsOptions::insecure_skip_verify`]).
/// The client certificate and key go together.
///
/// ```
/// use docker_transport::{Pem, TlsOptions};
///
/// let opts = TlsOptions {
///     ca: Some(Pem::File("/certs/ca.pem".into())),
///     cert: Some(Pem::File("/certs/cert.pem".into())),
///     key: Some(Pem::File("/certs/key.pem".into())),
///     ..TlsOptions::default()
/// };
/// assert!(!opts.insecure_skip_verify);
/// assert_eq!(TlsOptions::verified_from_dir("/certs".as_ref()).ca, opts.ca);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TlsOptions {
    /// The CA certificates (PEM, one or more) that the server's certificate must chain to.
    /// Required unless verification is skipped: there is no system trust store.
    pub ca: Option<Pem>,
    /// The client certificate chain (PEM), for engines that require one (`--tlsverify` on
    /// the daemon). Needs [`key`](Self::key).
    pub cert: Option<Pem>,
    /// The client certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key: Option<Pem>,
    /// Accepts any server certificate, like the docker CLI's `--tls` without
    /// `--tlsverify`. The connection is encrypted but the engine is not authenticated.
    pub insecure_skip_verify: bool,
    /// The name the server's certificate must carry, instead of the endpoint's host.
    pub server_name: Option<String>,
}

/// The file names of the docker CLI's certificate directory (`DOCKER_CERT_PATH`).
const CA_FILE: &str = "ca.pem";
const CERT_FILE: &str = "cert.pem";
const KEY_FILE: &str = "key.pem";

impl TlsOptions {
    /// The docker CLI's `--tlsverify` defaults for a certificate directory: `ca.pem`
    /// (required), and `cert.pem` and `key.pem` when they exist (docker drops the default
    /// client files silently when they are absent).
    ///
    /// ```
    /// let opts = docker_transport::TlsOptions::verified_from_dir("/nonexistent".as_ref());
    /// assert!(opts.ca.is_some() && opts.cert.is_none() && opts.key.is_none());
    /// ```
    pub fn verified_from_dir(dir: &Path) -> TlsOptions {
        TlsOptions {
            ca: Some(Pem::File(dir.join(CA_FILE))),
            ..TlsOptions::client_files(dir)
        }
    }

    /// The docker CLI's `--tls` defaults for a certificate directory: no verification of
    /// the server, and `cert.pem` and `key.pem` when they exist.
    ///
    /// ```
    /// let opts = docker_transport::TlsOptions::unverified_from_dir("/nonexistent".as_ref());
    /// assert!(opts.insecure_skip_verify && opts.ca.is_none());
    /// ```
    pub fn unverified_from_dir(dir: &Path) -> TlsOptions {
        TlsOptions {
            insecure_skip_verify: true,
            ..TlsOptions::client_files(dir)
        }
    }

    /// The docker CLI's TLS settings from the environment: `DOCKER_TLS_VERIFY` (any
    /// non-empty value, `"0"` included) verifies the engine against `ca.pem`; otherwise
    /// (`DOCKER_TLS`) the engine is not verified. The files are in `DOCKER_CERT_PATH`,
    /// default the docker configuration directory (`DOCKER_CONFIG`, default `~/.docker`).
    ///
    /// ```no_run
    /// let tls = docker_transport::Tls::new(&docker_transport::TlsOptions::from_env())?;
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn from_env() -> TlsOptions {
        tls_options_from_env(|name| std::env::var_os(name))
    }

    fn client_files(dir: &Path) -> TlsOptions {
        let existing = |name: &str| {
            let path = dir.join(name);
            path.exists().then_some(Pem::File(path))
        };
        TlsOptions {
            cert: existing(CERT_FILE),
            key: existing(KEY_FILE),
            ..TlsOptions::default()
        }
    }
}

/// [`TlsOptions::from_env`] over any variable lookup.
pub(crate) fn tls_options_from_env(get: impl Fn(&str) -> Option<std::ffi::OsString>) -> TlsOptions {
    let set = |name: &str| get(name).filter(|v| !v.is_empty());
    let dir = match (set("DOCKER_CERT_PATH"), set("DOCKER_CONFIG"), set("HOME")) {
        (Some(dir), _, _) | (None, Some(dir), _) => PathBuf::from(dir),
        (None, None, Some(home)) => PathBuf::from(home).join(".docker"),
        (None, None, None) => PathBuf::from(".docker"),
    };
    match set("DOCKER_TLS_VERIFY") {
        Some(_) => TlsOptions::verified_from_dir(&dir),
        None => TlsOptions::unverified_from_dir(&dir),
    }
}

/// Loaded TLS settings: the certificates read and parsed, ready for connections. Cheap to
/// clone (shared). Made by [`Tls::new`]; set as [`Config::tls`](crate::Config::tls).
///
/// ```no_run
/// use docker_transport::{Config, Endpoint, Tls, TlsOptions};
///
/// let tls = Tls::new(&TlsOptions::verified_from_dir("/root/.docker".as_ref()))?;
/// let mut config = Config::new(Endpoint::parse("https://127.0.0.1:2376")?);
/// config.tls = Some(tls);
/// # Ok::<(), docker_transport::Error>(())
/// ```
#[derive(Clone)]
pub struct Tls {
    config: Arc<ClientConfig>,
    server_name: Option<String>,
    verified: bool,
    /// A client certificate is presented.
    identified: bool,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tls")
            .field("verified", &self.verified)
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Tls {
    /// The same loaded settings (clones of one [`Tls`]).
    fn eq(&self, other: &Tls) -> bool {
        Arc::ptr_eq(&self.config, &other.config) && self.server_name == other.server_name
    }
}

impl Eq for Tls {}

impl Tls {
    /// Reads and parses the certificates and the key of `options`. A missing, unreadable
    /// or empty file is an [`Error::Certificate`] naming it; so is a certificate without a
    /// key or a key without a certificate.
    ///
    /// ```
    /// use docker_transport::{Error, Pem, Tls, TlsOptions};
    ///
    /// let opts = TlsOptions { ca: Some(Pem::File("/nonexistent/ca.pem".into())), ..TlsOptions::default() };
    /// let err = Tls::new(&opts).unwrap_err();
    /// assert!(matches!(err, Error::Certificate { .. }));
    /// assert!(err.to_string().contains("/nonexistent/ca.pem"));
    /// ```
    pub fn new(options: &TlsOptions) -> Result<Tls, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| cert_error(CertificateItem::Ca, None, e.to_string()))?;
        let builder = match (&options.ca, options.insecure_skip_verify) {
            (_, true) => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(NoVerification(provider))),
            (None, false) => {
                return Err(cert_error(
                    CertificateItem::Ca,
                    None,
                    "verifying the engine needs a CA certificate (--tlscacert, DOCKER_CERT_PATH/ca.pem); \
                     or skip verification explicitly (--tls)"
                        .into(),
                ))
            }
            (Some(ca), false) => {
                let mut roots = rustls::RootCertStore::empty();
                for cert in load_certs(ca, CertificateItem::Ca)? {
                    roots.add(cert).map_err(|e| {
                        cert_error(CertificateItem::Ca, pem_path(ca), e.to_string())
                    })?;
                }
                builder.with_root_certificates(roots)
            }
        };
        let config = match (&options.cert, &options.key) {
            (None, None) => builder.with_no_client_auth(),
            (Some(cert), Some(key)) => {
                let chain = load_certs(cert, CertificateItem::ClientCertificate)?;
                let key = load_key(key)?;
                builder.with_client_auth_cert(chain, key).map_err(|e| {
                    cert_error(CertificateItem::ClientKey, pem_path(cert), e.to_string())
                })?
            }
            (Some(cert), None) => {
                return Err(cert_error(
                    CertificateItem::ClientKey,
                    pem_path(cert),
                    "a client certificate was given without its key (--tlskey)".into(),
                ))
            }
            (None, Some(key)) => {
                return Err(cert_error(
                    CertificateItem::ClientCertificate,
                    pem_path(key),
                    "a client key was given without its certificate (--tlscert)".into(),
                ))
            }
        };
        Ok(Tls {
            config: Arc::new(config),
            server_name: options.server_name.clone(),
            verified: !options.insecure_skip_verify,
            identified: options.cert.is_some(),
        })
    }

    /// True unless verification of the server is skipped.
    ///
    /// ```
    /// use docker_transport::{Tls, TlsOptions};
    /// let tls = Tls::new(&TlsOptions { insecure_skip_verify: true, ..TlsOptions::default() })?;
    /// assert!(!tls.is_verified());
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn is_verified(&self) -> bool {
        self.verified
    }

    /// A new session to `host`, or to the server-name override.
    pub(crate) fn session(&self, host: &str) -> Result<TlsSession, io::Error> {
        let name = self.server_name.as_deref().unwrap_or(host);
        let name = ServerName::try_from(name.to_owned()).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{name:?} is not a valid TLS server name; set a server-name override"),
            )
        })?;
        let conn = ClientConnection::new(self.config.clone(), name).map_err(io::Error::other)?;
        Ok(TlsSession {
            conn,
            cin: vec![0; CIPHER_ROOM],
            cin_start: 0,
            cin_end: 0,
            cout: Vec::new(),
            cout_at: 0,
            first: Vec::new(),
            identified: self.identified,
        })
    }
}

fn pem_path(pem: &Pem) -> Option<PathBuf> {
    match pem {
        Pem::File(path) => Some(path.clone()),
        Pem::Memory(_) => None,
    }
}

fn cert_error(item: CertificateItem, path: Option<PathBuf>, reason: String) -> Error {
    Error::Certificate { item, path, reason }
}

fn read_pem(pem: &Pem, item: CertificateItem) -> Result<Vec<u8>, Error> {
    match pem {
        Pem::Memory(bytes) => Ok(bytes.clone()),
        Pem::File(path) => std::fs::read(path).map_err(|e| {
            let reason = match e.kind() {
                io::ErrorKind::NotFound => "no such file".to_owned(),
                _ => format!("cannot read it: {e}"),
            };
            cert_error(item, Some(path.clone()), reason)
        }),
    }
}

fn load_certs(pem: &Pem, item: CertificateItem) -> Result<Vec<CertificateDer<'static>>, Error> {
    let bytes = read_pem(pem, item)?;
    let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(&bytes).collect();
    match certs {
        Ok(certs) if !certs.is_empty() => Ok(certs),
        Ok(_) => Err(cert_error(
            item,
            pem_path(pem),
            "no PEM certificate (BEGIN CERTIFICATE) in it".into(),
        )),
        Err(e) => Err(cert_error(item, pem_path(pem), format!("invalid PEM: {e}"))),
    }
}

fn load_key(pem: &Pem) -> Result<PrivateKeyDer<'static>, Error> {
    let bytes = read_pem(pem, CertificateItem::ClientKey)?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| {
        cert_error(
            CertificateItem::ClientKey,
            pem_path(pem),
            format!("no usable private key in it ({e})"),
        )
    })
}

/// Accepts any server certificate, checking only that the handshake's signatures are made
/// with its key: `--tls` without `--tlsverify`.
#[derive(Debug)]
struct NoVerification(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algs = &self.0.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algs = &self.0.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Room for ciphertext read from the socket: a little over one TLS record.
pub(crate) const CIPHER_ROOM: usize = 16 * 1024 + 512;

/// The TLS state of one connection: the rustls session, the ciphertext read from the
/// socket and not yet given to it, and the ciphertext it produced for the socket.
pub(crate) struct TlsSession {
    conn: ClientConnection,
    cin: Vec<u8>,
    cin_start: usize,
    cin_end: usize,
    cout: Vec<u8>,
    cout_at: usize,
    /// The first bytes the server sent, kept to tell a plain-HTTP answer from TLS.
    first: Vec<u8>,
    /// A client certificate is presented: a refusal is of it, not for its absence.
    identified: bool,
}

impl fmt::Debug for TlsSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSession")
            .field("handshaking", &self.conn.is_handshaking())
            .finish_non_exhaustive()
    }
}

/// Why a TLS session failed, for the exchange to turn into an [`Error::Tls`].
#[derive(Debug)]
pub(crate) struct TlsFailure {
    pub(crate) problem: TlsProblem,
    pub(crate) detail: String,
}

impl TlsSession {
    pub(crate) fn is_handshaking(&self) -> bool {
        self.conn.is_handshaking()
    }

    /// Gives plaintext to the session; returns how much it took (it buffers a bounded
    /// amount, also while the handshake is under way).
    pub(crate) fn send(&mut self, plain: &[u8]) -> usize {
        self.conn.writer().write(plain).unwrap_or(0)
    }

    /// The ciphertext waiting for the socket, empty when there is none.
    pub(crate) fn pending(&mut self) -> &[u8] {
        if self.cout_at == self.cout.len() {
            self.cout.clear();
            self.cout_at = 0;
            while self.conn.wants_write() {
                if self.conn.write_tls(&mut self.cout).is_err() {
                    break;
                }
            }
        }
        &self.cout[self.cout_at..]
    }

    /// Records that `n` bytes of [`pending`](Self::pending) were written.
    pub(crate) fn wrote(&mut self, n: usize) {
        self.cout_at = (self.cout_at + n).min(self.cout.len());
    }

    /// The room for the next read of ciphertext from the socket.
    pub(crate) fn room(&mut self) -> &mut [u8] {
        if self.cin_start == self.cin_end {
            self.cin_start = 0;
            self.cin_end = 0;
        }
        &mut self.cin[self.cin_end..]
    }

    /// Records that `n` bytes were read into [`room`](Self::room).
    pub(crate) fn filled(&mut self, n: usize) {
        if self.first.len() < 5 {
            let take = n.min(5 - self.first.len());
            let start = self.cin_end;
            self.first.extend_from_slice(&self.cin[start..start + take]);
        }
        self.cin_end += n;
    }

    /// Records that the server closed the connection.
    pub(crate) fn closed(&mut self) -> Result<(), TlsFailure> {
        let _ = self.conn.read_tls(&mut io::empty());
        self.process()
    }

    /// Moves the plaintext the session holds into `buf`, giving it the ciphertext read so
    /// far as needed. Returns how many plaintext bytes were moved.
    pub(crate) fn pump(&mut self, buf: &mut ReadBuf) -> Result<usize, TlsFailure> {
        let mut moved = 0;
        loop {
            if buf.reserve() {
                match self.conn.reader().read(buf.spare()) {
                    Ok(n) if n > 0 => {
                        buf.filled(n);
                        moved += n;
                        continue;
                    }
                    // The end of the plaintext (close_notify, or a close without it): the
                    // socket's end of stream reports it to the codec.
                    Ok(_) | Err(_) => (),
                }
            }
            if self.cin_start == self.cin_end {
                return Ok(moved);
            }
            let mut input = &self.cin[self.cin_start..self.cin_end];
            let taken = match self.conn.read_tls(&mut input) {
                Ok(n) => n,
                Err(e) => return Err(self.failure(TlsProblem::Handshake, e.to_string())),
            };
            self.cin_start += taken;
            self.process()?;
            if taken == 0 {
                return Ok(moved);
            }
        }
    }

    fn process(&mut self) -> Result<(), TlsFailure> {
        match self.conn.process_new_packets() {
            Ok(_) => Ok(()),
            Err(e) => {
                let problem = classify(&e, self.identified);
                Err(self.failure(problem, e.to_string()))
            }
        }
    }

    /// A failure, unless the server's first bytes say it answered in plain HTTP.
    fn failure(&self, problem: TlsProblem, detail: String) -> TlsFailure {
        match self.first.starts_with(b"HTTP/") {
            true => TlsFailure {
                problem: TlsProblem::NotTls,
                detail: "the server answered in plain HTTP".into(),
            },
            false => TlsFailure { problem, detail },
        }
    }

    // An upgraded (hijacked) connection: the flavour's reader and writer halves share the
    // session behind a mutex, and move only ciphertext themselves.

    /// Decrypted plaintext into `out`: `Some(0)` at the end of the stream, `None` when
    /// ciphertext must be read from the socket first ([`feed`](Self::feed)).
    pub(crate) fn read_upgraded(&mut self, out: &mut [u8]) -> io::Result<Option<usize>> {
        loop {
            match self.conn.reader().read(out) {
                Ok(n) => return Ok(Some(n)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => (),
                Err(e) => return Err(e),
            }
            if self.cin_start == self.cin_end {
                return Ok(None);
            }
            let mut input = &self.cin[self.cin_start..self.cin_end];
            self.cin_start += self.conn.read_tls(&mut input)?;
            self.process()
                .map_err(|f| io::Error::new(io::ErrorKind::InvalidData, f.detail))?;
        }
    }

    /// Gives the session ciphertext read from the socket, at most [`CIPHER_ROOM`] bytes,
    /// after [`read_upgraded`](Self::read_upgraded) said `None`; empty is the end of the
    /// stream.
    pub(crate) fn feed(&mut self, cipher: &[u8]) -> io::Result<()> {
        if cipher.is_empty() {
            return self
                .closed()
                .map_err(|f| io::Error::new(io::ErrorKind::InvalidData, f.detail));
        }
        let room = self.room();
        let n = cipher.len().min(room.len());
        room[..n].copy_from_slice(&cipher[..n]);
        self.cin_end += n;
        Ok(())
    }

    /// Encrypts (a prefix of) `plain`: how much was taken, and the ciphertext to write.
    pub(crate) fn encrypt(&mut self, plain: &[u8]) -> (usize, Vec<u8>) {
        let n = self.send(plain);
        (n, self.take_pending())
    }

    /// A close_notify, as the ciphertext to write before half-closing the socket.
    pub(crate) fn close_notify(&mut self) -> Vec<u8> {
        self.conn.send_close_notify();
        self.take_pending()
    }

    fn take_pending(&mut self) -> Vec<u8> {
        let mut out = self.cout.split_off(self.cout_at);
        self.cout.clear();
        self.cout_at = 0;
        while self.conn.wants_write() {
            if self.conn.write_tls(&mut out).is_err() {
                break;
            }
        }
        out
    }

    /// The failure for a server that closed the connection during the handshake.
    pub(crate) fn closed_in_handshake(&self) -> TlsFailure {
        self.failure(
            TlsProblem::Handshake,
            "the server closed the connection during the TLS handshake".into(),
        )
    }
}

/// The problem behind a rustls error. Servers that require a client certificate answer
/// its absence with `certificate_required` (TLS 1.3), or `bad_certificate` or
/// `handshake_failure` (Go's, and TLS 1.2's).
fn classify(err: &rustls::Error, identified: bool) -> TlsProblem {
    use rustls::{AlertDescription as A, CertificateError as C};
    match err {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => TlsProblem::UnknownIssuer,
            C::Expired | C::ExpiredContext { .. } => TlsProblem::Expired,
            C::NotValidYet | C::NotValidYetContext { .. } => TlsProblem::NotYetValid,
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsProblem::NameMismatch,
            _ => TlsProblem::BadCertificate,
        },
        rustls::Error::AlertReceived(alert) => match alert {
            A::CertificateRequired => TlsProblem::ClientCertificateRequired,
            A::BadCertificate | A::HandshakeFailure if !identified => {
                TlsProblem::ClientCertificateRequired
            }
            A::BadCertificate
            | A::CertificateExpired
            | A::CertificateUnknown
            | A::CertificateRevoked
            | A::UnknownCA
            | A::UnsupportedCertificate
            | A::AccessDenied => TlsProblem::ClientCertificateRejected,
            _ => TlsProblem::Handshake,
        },
        rustls::Error::InvalidMessage(_) => TlsProblem::NotTls,
        _ => TlsProblem::Handshake,
    }
}
