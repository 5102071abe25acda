//! SRP-6a as Apple's pairing protocols use it, written on num-bigint.
//!
//! The encoding rules follow srptools 1.0.1, the library pyatv pairs real devices with:
//! `k = H(N | PAD(g))`, `x = H(s | H(I ":" P))`, `u = H(PAD(A) | PAD(B))`, session key
//! `K = H(S)`, client proof `M1 = H(H(N) xor H(g) | H(I) | s | A | B | K)` and server
//! proof `M2 = H(A | M1 | K)`. Inside the proofs and `K`, numbers are written in their
//! shortest big-endian form (no padding), and `H(N) xor H(g)` and `H(I)` are numbers too,
//! so a leading zero byte of theirs is dropped. Legacy AirPlay swaps in the 2048-bit group,
//! SHA-1, and a 40-byte `K = H(S | 0u32) | H(S | 1u32)`.

use std::fmt;

use num_bigint::BigUint;
use num_traits::Zero;
use ring::digest;

use crate::error::{Error, Result};
use crate::srp_group::{GROUP_2048, GROUP_3072, SrpGroup};

/// How the session key `K` is made from the premaster secret `S`.
#[derive(Clone, Copy)]
enum SessionKeyRule {
    /// `K = H(S)`.
    Hash,
    /// `K = H(S | 00000000) | H(S | 00000001)`: Apple TV's legacy AirPlay pairing.
    DoubleHash,
}

/// Group, hash and key rule of one SRP flavour.
#[derive(Clone, Copy)]
pub struct SrpVariant {
    group: &'static SrpGroup,
    hash: &'static digest::Algorithm,
    key_rule: SessionKeyRule,
}

impl fmt::Debug for SrpVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SrpVariant")
            .field("group_bits", &self.group.n.bits())
            .field("hash", &self.hash)
            .finish_non_exhaustive()
    }
}

impl SrpVariant {
    /// HomeKit: 3072-bit group, SHA-512.
    pub fn hap() -> Self {
        Self {
            group: &GROUP_3072,
            hash: &digest::SHA512,
            key_rule: SessionKeyRule::Hash,
        }
    }

    /// Legacy AirPlay: 2048-bit group, SHA-1, doubled session key.
    pub fn legacy_airplay() -> Self {
        Self {
            group: &GROUP_2048,
            hash: &digest::SHA1_FOR_LEGACY_USE_ONLY,
            key_rule: SessionKeyRule::DoubleHash,
        }
    }

    #[cfg(test)]
    fn rfc5054_test() -> Self {
        Self {
            group: &crate::srp_group::GROUP_1024,
            hash: &digest::SHA1_FOR_LEGACY_USE_ONLY,
            key_rule: SessionKeyRule::Hash,
        }
    }

    fn hash(&self, parts: &[&[u8]]) -> Vec<u8> {
        let mut ctx = digest::Context::new(self.hash);
        for part in parts {
            ctx.update(part);
        }
        ctx.finish().as_ref().to_vec()
    }

    fn hash_int(&self, parts: &[&[u8]]) -> BigUint {
        BigUint::from_bytes_be(&self.hash(parts))
    }

    /// `PAD(v)`: big-endian, left-padded with zeros to the length of N.
    fn pad(&self, value: &BigUint) -> Vec<u8> {
        let raw = value.to_bytes_be();
        let mut out = vec![0u8; self.group.n_len.saturating_sub(raw.len())];
        out.extend_from_slice(&raw);
        out
    }

    /// `k = H(N | PAD(g))`.
    fn multiplier(&self) -> BigUint {
        self.hash_int(&[&self.group.n.to_bytes_be(), &self.pad(&self.group.g)])
    }

    /// `x = H(s | H(I ":" P))`.
    fn password_hash(&self, username: &[u8], password: &[u8], salt: &[u8]) -> BigUint {
        let inner = self.hash(&[username, b":", password]);
        self.hash_int(&[salt, &inner])
    }

    /// `u = H(PAD(A) | PAD(B))`.
    fn scrambler(&self, a_pub: &BigUint, b_pub: &BigUint) -> BigUint {
        self.hash_int(&[&self.pad(a_pub), &self.pad(b_pub)])
    }

    fn session_key(&self, premaster: &BigUint) -> Vec<u8> {
        let s = premaster.to_bytes_be();
        match self.key_rule {
            SessionKeyRule::Hash => self.hash(&[&s]),
            SessionKeyRule::DoubleHash => {
                let mut key = self.hash(&[&s, &[0, 0, 0, 0]]);
                key.extend(self.hash(&[&s, &[0, 0, 0, 1]]));
                key
            }
        }
    }

    /// `M1 = H(H(N) xor H(g) | H(I) | s | A | B | K)`, numbers in shortest form.
    fn client_proof(
        &self,
        username: &[u8],
        salt: &[u8],
        a_pub: &BigUint,
        b_pub: &BigUint,
        key: &[u8],
    ) -> Vec<u8> {
        let hn = self.hash_int(&[&self.group.n.to_bytes_be()]);
        let hg = self.hash_int(&[&self.group.g.to_bytes_be()]);
        let hi = self.hash_int(&[username]);
        self.hash(&[
            &(hn ^ hg).to_bytes_be(),
            &hi.to_bytes_be(),
            salt,
            &a_pub.to_bytes_be(),
            &b_pub.to_bytes_be(),
            key,
        ])
    }

    /// `M2 = H(A | M1 | K)`.
    fn server_proof(&self, a_pub: &BigUint, m1: &[u8], key: &[u8]) -> Vec<u8> {
        self.hash(&[&a_pub.to_bytes_be(), m1, key])
    }

    /// Reads a peer's public value, rejecting `0 mod N`.
    fn peer_public(&self, bytes: &[u8]) -> Result<BigUint> {
        let value = BigUint::from_bytes_be(bytes);
        if (&value % &self.group.n).is_zero() {
            return Err(Error::InvalidSrpValue);
        }
        Ok(value)
    }
}

/// Compares two byte strings in time that depends on their lengths only.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The client side of SRP before the server's salt and public value are known. Debug
/// output hides its secrets.
#[derive(Clone)]
pub struct SrpClient {
    params: SrpVariant,
    username: Vec<u8>,
    password: Vec<u8>,
    a: BigUint,
    a_pub: BigUint,
}

/// The client side of SRP after processing the server's values. Debug output hides its
/// secrets.
#[derive(Clone)]
pub struct SrpClientSession {
    a_pub: Vec<u8>,
    key: Vec<u8>,
    proof: Vec<u8>,
    expected_server_proof: Vec<u8>,
}

impl SrpClient {
    /// A client with private value `a` (big-endian bytes).
    pub fn new(params: SrpVariant, username: &[u8], password: &[u8], a: &[u8]) -> Self {
        let a = BigUint::from_bytes_be(a);
        let a_pub = params.group.g.modpow(&a, &params.group.n);
        Self {
            params,
            username: username.to_vec(),
            password: password.to_vec(),
            a,
            a_pub,
        }
    }

    /// Computes the session key and both proofs from the server's salt and public value.
    pub fn process(&self, salt: &[u8], server_public: &[u8]) -> Result<SrpClientSession> {
        let p = &self.params;
        let n = &p.group.n;
        let b_pub = p.peer_public(server_public)?;
        let u = p.scrambler(&self.a_pub, &b_pub);
        if u.is_zero() {
            return Err(Error::InvalidSrpValue);
        }
        let x = p.password_hash(&self.username, &self.password, salt);
        let kv = (p.multiplier() * p.group.g.modpow(&x, n)) % n;
        let base = ((&b_pub % n) + n - kv) % n;
        let premaster = base.modpow(&(&self.a + u * x), n);
        let key = p.session_key(&premaster);
        let proof = p.client_proof(&self.username, salt, &self.a_pub, &b_pub, &key);
        let expected_server_proof = p.server_proof(&self.a_pub, &proof, &key);
        Ok(SrpClientSession {
            a_pub: p.pad(&self.a_pub),
            key,
            proof,
            expected_server_proof,
        })
    }
}

impl SrpClientSession {
    /// `A`, padded to the length of N.
    pub fn public_key(&self) -> &[u8] {
        &self.a_pub
    }

    /// The client proof `M1`.
    pub fn proof(&self) -> &[u8] {
        &self.proof
    }

    /// The shared session key `K`.
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// Checks the server proof `M2`.
    pub fn verify_server(&self, server_proof: &[u8]) -> Result<()> {
        if constant_time_eq(server_proof, &self.expected_server_proof) {
            Ok(())
        } else {
            Err(Error::BadProof)
        }
    }
}

/// The server side of SRP: it knows the password (the PIN) and picks salt and `b`. Debug
/// output hides its secrets.
#[derive(Clone)]
pub struct SrpServer {
    params: SrpVariant,
    username: Vec<u8>,
    salt: Vec<u8>,
    verifier: BigUint,
    b: BigUint,
    b_pub: BigUint,
}

/// The server's results once the client's proof checked out. Debug output hides them.
pub struct SrpServerSession {
    key: Vec<u8>,
    proof: Vec<u8>,
}

impl SrpServerSession {
    /// The shared session key `K`.
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// The server proof `M2` to send.
    pub fn proof(&self) -> &[u8] {
        &self.proof
    }
}

impl SrpServer {
    /// A server for `username`/`password` with the given salt and private value `b`.
    pub fn new(
        params: SrpVariant,
        username: &[u8],
        password: &[u8],
        salt: &[u8],
        b: &[u8],
    ) -> Self {
        let n = &params.group.n;
        let x = params.password_hash(username, password, salt);
        let verifier = params.group.g.modpow(&x, n);
        let b = BigUint::from_bytes_be(b);
        let b_pub = (params.multiplier() * &verifier + params.group.g.modpow(&b, n)) % n;
        Self {
            params,
            username: username.to_vec(),
            salt: salt.to_vec(),
            verifier,
            b,
            b_pub,
        }
    }

    /// The salt to send.
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// `B`, padded to the length of N.
    pub fn public_key(&self) -> Vec<u8> {
        self.params.pad(&self.b_pub)
    }

    /// Checks the client's public value and proof; on success returns `K` and `M2`.
    pub fn verify_client(
        &self,
        client_public: &[u8],
        client_proof: &[u8],
    ) -> Result<SrpServerSession> {
        let p = &self.params;
        let n = &p.group.n;
        let a_pub = p.peer_public(client_public)?;
        let u = p.scrambler(&a_pub, &self.b_pub);
        if u.is_zero() {
            return Err(Error::InvalidSrpValue);
        }
        let premaster = ((&a_pub * self.verifier.modpow(&u, n)) % n).modpow(&self.b, n);
        let key = p.session_key(&premaster);
        let expected = p.client_proof(&self.username, &self.salt, &a_pub, &self.b_pub, &key);
        if !constant_time_eq(client_proof, &expected) {
            return Err(Error::BadProof);
        }
        let proof = p.server_proof(&a_pub, &expected, &key);
        Ok(SrpServerSession { key, proof })
    }
}

macro_rules! redacted_debug {
    ($($ty:ty),*) => {$(
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty)).finish_non_exhaustive()
            }
        }
    )*};
}

redacted_debug!(SrpClient, SrpClientSession, SrpServer, SrpServerSession);

#[cfg(test)]
mod tests {
    use super::*;

    fn int(hex: &str) -> BigUint {
        let clean: String = hex.split_whitespace().collect();
        BigUint::parse_bytes(clean.as_bytes(), 16).unwrap()
    }

    fn bytes(hex: &str) -> Vec<u8> {
        int(hex).to_bytes_be()
    }

    // RFC 5054 appendix B: 1024-bit group, SHA-1, I = "alice", P = "password123".
    const SALT: &str = "BEB25379 D1A8581E B5A72767 3A2441EE";
    const A_PRIV: &str = "60975527 035CF2AD 1989806F 0407210B C81EDC04 E2762A56 AFD529DD DA2D4393";
    const B_PRIV: &str = "E487CB59 D31AC550 471E81F0 0F6928E0 1DDA08E9 74A004F4 9E61F5D1 05284D20";
    const K: &str = "7556AA04 5AEF2CDD 07ABAF0F 665C3E81 8913186F";
    const X: &str = "94B7555A ABE9127C C58CCF49 93DB6CF8 4D16C124";
    const V: &str = "7E273DE8 696FFC4F 4E337D05 B4B375BE B0DDE156 9E8FA00A 9886D812
        9BADA1F1 822223CA 1A605B53 0E379BA4 729FDC59 F105B478 7E5186F5
        C671085A 1447B52A 48CF1970 B4FB6F84 00BBF4CE BFBB1681 52E08AB5
        EA53D15C 1AFF87B2 B9DA6E04 E058AD51 CC72BFC9 033B564E 26480D78
        E955A5E2 9E7AB245 DB2BE315 E2099AFB";
    const A_PUB: &str = "61D5E490 F6F1B795 47B0704C 436F523D D0E560F0 C64115BB 72557EC4
        4352E890 3211C046 92272D8B 2D1A5358 A2CF1B6E 0BFCF99F 921530EC
        8E393561 79EAE45E 42BA92AE ACED8251 71E1E8B9 AF6D9C03 E1327F44
        BE087EF0 6530E69F 66615261 EEF54073 CA11CF58 58F0EDFD FE15EFEA
        B349EF5D 76988A36 72FAC47B 0769447B";
    const B_PUB: &str = "BD0C6151 2C692C0C B6D041FA 01BB152D 4916A1E7 7AF46AE1 05393011
        BAF38964 DC46A067 0DD125B9 5A981652 236F99D9 B681CBF8 7837EC99
        6C6DA044 53728610 D0C6DDB5 8B318885 D7D82C7F 8DEB75CE 7BD4FBAA
        37089E6F 9C6059F3 88838E7A 00030B33 1EB76840 910440B1 B27AAEAE
        EB4012B7 D7665238 A8E3FB00 4B117B58";
    const U: &str = "CE38B959 3487DA98 554ED47D 70A7AE5F 462EF019";
    const S: &str = "B0DC82BA BCF30674 AE450C02 87745E79 90A3381F 63B387AA F271A10D
        233861E3 59B48220 F7C4693C 9AE12B0A 6F67809F 0876E2D0 13800D6C
        41BB59B6 D5979B5C 00A172B4 A2A5903A 0BDCAF8A 709585EB 2AFAFA8F
        3499B200 210DCC1F 10EB3394 3CD67FC8 8A2F39A4 BE5BEC4E C0A3212D
        C346D7E4 74B29EDE 8A469FFE CA686E5A";

    #[test]
    fn rfc5054_appendix_b_intermediate_values() {
        let p = SrpVariant::rfc5054_test();
        let salt = bytes(SALT);
        assert_eq!(p.multiplier(), int(K));
        assert_eq!(p.password_hash(b"alice", b"password123", &salt), int(X));

        let client = SrpClient::new(p, b"alice", b"password123", &bytes(A_PRIV));
        assert_eq!(client.a_pub, int(A_PUB));
        let server = SrpServer::new(p, b"alice", b"password123", &salt, &bytes(B_PRIV));
        assert_eq!(server.verifier, int(V));
        assert_eq!(server.b_pub, int(B_PUB));
        assert_eq!(p.scrambler(&client.a_pub, &server.b_pub), int(U));

        // K = H(S) with the RFC's premaster secret, computed by both sides.
        let expected_key = p.hash(&[&bytes(S)]);
        let session = client.process(&salt, &server.public_key()).unwrap();
        assert_eq!(session.key(), expected_key.as_slice());
        let server_session = server
            .verify_client(session.public_key(), session.proof())
            .unwrap();
        assert_eq!(server_session.key, expected_key);
        session.verify_server(&server_session.proof).unwrap();
    }

    #[test]
    fn wrong_password_fails_on_the_server() {
        let p = SrpVariant::hap();
        let server = SrpServer::new(p, b"Pair-Setup", b"1111", &[9; 16], &[7; 32]);
        let client = SrpClient::new(p, b"Pair-Setup", b"1112", &[3; 32]);
        let session = client.process(server.salt(), &server.public_key()).unwrap();
        assert!(matches!(
            server.verify_client(session.public_key(), session.proof()),
            Err(Error::BadProof)
        ));
        assert!(matches!(
            session.verify_server(&[0; 64]),
            Err(Error::BadProof)
        ));
    }

    #[test]
    fn zero_public_values_are_rejected() {
        let p = SrpVariant::hap();
        let n = p.group.n.to_bytes_be();
        let client = SrpClient::new(p, b"Pair-Setup", b"1111", &[3; 32]);
        for bad in [vec![0u8; 384], n.clone(), vec![]] {
            assert!(matches!(
                client.process(&[1; 16], &bad),
                Err(Error::InvalidSrpValue)
            ));
        }
        let server = SrpServer::new(p, b"Pair-Setup", b"1111", &[9; 16], &[7; 32]);
        assert!(matches!(
            server.verify_client(&n, &[0; 64]),
            Err(Error::InvalidSrpValue)
        ));
    }

    #[test]
    fn legacy_key_is_forty_bytes() {
        let p = SrpVariant::legacy_airplay();
        let server = SrpServer::new(p, b"ABCD", b"1234", &[5; 16], &[8; 32]);
        let client = SrpClient::new(p, b"ABCD", b"1234", &[6; 32]);
        let session = client.process(server.salt(), &server.public_key()).unwrap();
        assert_eq!(session.key().len(), 40);
        assert_eq!(session.proof().len(), 20);
        let done = server
            .verify_client(session.public_key(), session.proof())
            .unwrap();
        assert_eq!(done.key, session.key());
    }
}
