use bytes::{Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use super::*;

fn buf(bytes: &[u8]) -> BytesMut {
    BytesMut::from(bytes)
}

#[test]
fn decodes_response_without_body() {
    let mut b = buf(b"HTTP/1.0 200 OK\r\n\r\n");
    let resp = decode_response(&mut b).unwrap().unwrap();
    assert_eq!(resp.protocol, Protocol::Http10);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.reason, "OK");
    assert!(resp.headers.is_empty());
    assert!(resp.body.is_empty());
    assert!(b.is_empty());
}

#[test]
fn incomplete_head_waits_and_leaves_buffer() {
    let mut b = buf(b"HTTP/1.1 200 OK\r\n");
    assert_eq!(decode_response(&mut b).unwrap(), None);
    assert_eq!(&b[..], b"HTTP/1.1 200 OK\r\n");
}

#[test]
fn incomplete_body_waits() {
    let mut b = buf(b"RTSP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nbody");
    assert_eq!(decode_response(&mut b).unwrap(), None);
    b.extend_from_slice(b"!extra");
    let resp = decode_response(&mut b).unwrap().unwrap();
    assert_eq!(resp.body, Bytes::from_static(b"body!"));
    assert_eq!(&b[..], b"extra");
}

#[test]
fn several_responses_in_one_buffer() {
    let mut b = buf(b"HTTP/1.1 200 OK\r\nA: B\r\n\r\n\
HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nAB\
RTSP/1.0 200 OK\r\nContent-Length: 0\r\nCSeq: 7\r\n\r\n");
    let first = decode_response(&mut b).unwrap().unwrap();
    assert_eq!(first.headers.get("a"), Some("B"));
    let second = decode_response(&mut b).unwrap().unwrap();
    assert_eq!((second.status, second.reason.as_str()), (404, "Not Found"));
    assert_eq!(second.body, Bytes::from_static(b"AB"));
    let third = decode_response(&mut b).unwrap().unwrap();
    assert_eq!(third.protocol, Protocol::Rtsp10);
    assert_eq!(third.cseq(), Some(7));
    assert!(b.is_empty());
    assert_eq!(decode_response(&mut b).unwrap(), None);
}

#[test]
fn header_lookup_ignores_case_and_keeps_order() {
    let mut b = buf(b"HTTP/1.0 200 OK\r\nCONTENT-lEnGtH: 4\r\n\
content-TYPE: application/something\r\nX-B: 2\r\nX-A: 1\r\n\r\nbodyextra");
    let resp = decode_response(&mut b).unwrap().unwrap();
    assert_eq!(resp.body, Bytes::from_static(b"body"));
    assert_eq!(
        resp.headers.get("Content-Type"),
        Some("application/something")
    );
    let names: Vec<_> = resp.headers.iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["CONTENT-lEnGtH", "content-TYPE", "X-B", "X-A"]);
    assert_eq!(&b[..], b"extra");
}

#[test]
fn decodes_request_with_body() {
    let mut b = buf(
        b"POST /pair-verify HTTP/1.1\r\nUser-Agent: AirPlay/320.20\r\n\
Content-Type: application/octet-stream\r\nContent-Length: 3\r\nX-Apple-HKP: 3\r\n\r\n\x01\x02\x03",
    );
    let req = decode_request(&mut b).unwrap().unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.uri, "/pair-verify");
    assert_eq!(req.protocol, Protocol::Http11);
    assert_eq!(req.headers.get("x-apple-hkp"), Some("3"));
    assert_eq!(&req.body[..], [1, 2, 3]);
}

#[test]
fn decodes_rtsp_request_with_full_uri() {
    let mut b = buf(b"SETUP rtsp://127.0.0.1/1234 RTSP/1.0\r\nCSeq: 0\r\n\r\n");
    let req = decode_request(&mut b).unwrap().unwrap();
    assert_eq!(req.method, "SETUP");
    assert_eq!(req.uri, "rtsp://127.0.0.1/1234");
    assert_eq!(req.cseq(), Some(0));
}

#[test]
fn encodes_request_like_a_client() {
    let req = Request::new("POST", "/play", Protocol::Http11)
        .with_header("User-Agent", "MediaControl/1.0")
        .with_body("application/x-apple-binary-plist", &b"bplist00"[..]);
    let mut out = BytesMut::new();
    req.encode(&mut out);
    assert_eq!(
        &out[..],
        &b"POST /play HTTP/1.1\r\nUser-Agent: MediaControl/1.0\r\n\
Content-Type: application/x-apple-binary-plist\r\nContent-Length: 8\r\n\r\nbplist00"[..]
    );
}

#[test]
fn request_without_body_has_no_content_length() {
    let mut out = BytesMut::new();
    Request::new("GET", "/info", Protocol::Http11).encode(&mut out);
    assert_eq!(&out[..], b"GET /info HTTP/1.1\r\n\r\n");
}

#[test]
fn response_always_has_content_length() {
    let mut out = BytesMut::new();
    Response::new(Protocol::Rtsp10, 200, "OK")
        .with_header("CSeq", "3")
        .encode(&mut out);
    assert_eq!(
        &out[..],
        b"RTSP/1.0 200 OK\r\nCSeq: 3\r\nContent-Length: 0\r\n\r\n"
    );
}

#[test]
fn stale_content_length_is_rewritten() {
    let mut resp = Response::new(Protocol::Http11, 200, "OK").with_header("Content-Length", "99");
    resp.body = Bytes::from_static(b"abc");
    let mut out = BytesMut::new();
    resp.encode(&mut out);
    assert_eq!(&out[..], b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
}

#[test]
fn line_breaks_in_values_cannot_split_a_message() {
    let req = Request::new("GET", "/x", Protocol::Http11).with_header("A", "b\r\nEvil: 1");
    let mut out = BytesMut::new();
    req.encode(&mut out);
    let back = decode_request(&mut out).unwrap().unwrap();
    assert_eq!(back.headers.len(), 1);
    assert_eq!(back.headers.get("evil"), None);
}

#[test]
fn round_trips_requests_and_responses() {
    let req = Request::new("POST", "/feedback", Protocol::Rtsp10)
        .with_header("CSeq", "12")
        .with_header("X-Apple-Session-ID", "abc")
        .with_body("application/octet-stream", vec![0u8; 300]);
    let mut out = BytesMut::new();
    req.encode(&mut out);
    let back = decode_request(&mut out).unwrap().unwrap();
    assert_eq!(back.method, req.method);
    assert_eq!(back.body, req.body);
    // Encoding what was decoded gives the same bytes again.
    let mut again = BytesMut::new();
    back.encode(&mut again);
    assert_eq!(decode_request(&mut again).unwrap().unwrap(), back);

    let resp = Response::new(Protocol::Http11, 401, "Unauthorized")
        .with_header("WWW-Authenticate", "Digest realm=\"airplay\", nonce=\"x\"");
    let mut out = BytesMut::new();
    resp.encode(&mut out);
    let back = decode_response(&mut out).unwrap().unwrap();
    assert_eq!(back.status, 401);
    assert_eq!(
        back.headers.get("www-authenticate"),
        resp.headers.get("WWW-Authenticate")
    );
}

#[test]
fn missing_reason_is_empty() {
    let mut b = buf(b"HTTP/1.1 204\r\n\r\n");
    let resp = decode_response(&mut b).unwrap().unwrap();
    assert_eq!((resp.status, resp.reason.as_str()), (204, ""));
}

#[test]
fn rejects_malformed_input() {
    let cases: &[&[u8]] = &[
        b"FOO/3.14 200 OK\r\n\r\n",
        b"HTTP/1.1 2000 OK\r\n\r\n",
        b"HTTP/1.1 abc OK\r\n\r\n",
        b"HTTP/1.1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n folded: x\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nA: \xff\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nA: b\nc\r\n\r\n",
    ];
    for case in cases {
        let mut b = buf(case);
        assert!(
            decode_response(&mut b).is_err(),
            "accepted {:?}",
            String::from_utf8_lossy(case)
        );
    }
    let requests: &[&[u8]] = &[
        b"GET /test FOO/3.14\r\n\r\n",
        b"SOME METHOD /test HTTP/1.1\r\n\r\n",
        b"GET  HTTP/1.1\r\n\r\n",
        b"\r\n\r\n",
    ];
    for case in requests {
        let mut b = buf(case);
        assert!(
            decode_request(&mut b).is_err(),
            "accepted {:?}",
            String::from_utf8_lossy(case)
        );
    }
}

#[test]
fn enforces_limits() {
    let limits = Limits {
        max_head_len: 64,
        max_headers: 2,
        max_body_len: 10,
    };
    let mut b = buf(&[b'a'; 100]);
    assert_eq!(
        decode_request_with(&mut b, &limits),
        Err(WireError::HeadTooLarge { max: 64 })
    );
    let mut b = buf(b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n");
    assert_eq!(
        decode_request_with(&mut b, &limits),
        Err(WireError::TooManyHeaders { max: 2 })
    );
    let mut b = buf(b"GET / HTTP/1.1\r\nContent-Length: 11\r\n\r\n");
    assert_eq!(
        decode_request_with(&mut b, &limits),
        Err(WireError::BodyTooLarge {
            length: 11,
            max: 10
        })
    );
}

#[test]
fn codecs_pair_up() {
    let mut client = ClientCodec::new();
    let mut server = ServerCodec::new();
    let mut wire = BytesMut::new();
    client
        .encode(
            Request::new("GET", "/info", Protocol::Http11).with_header("CSeq", "1"),
            &mut wire,
        )
        .unwrap();
    let req = server.decode(&mut wire).unwrap().unwrap();
    assert_eq!(req.uri, "/info");
    server
        .encode(
            Response::new(req.protocol, 200, "OK")
                .with_header("CSeq", req.headers.get("CSeq").unwrap_or("0"))
                .with_body("text/plain", "hi"),
            &mut wire,
        )
        .unwrap();
    let resp = client.decode(&mut wire).unwrap().unwrap();
    assert_eq!(
        (resp.status, resp.cseq(), &resp.body[..]),
        (200, Some(1), &b"hi"[..])
    );
}

#[test]
fn headers_insert_replaces_and_removes_duplicates() {
    let mut h: Headers = [("A", "1"), ("b", "2"), ("a", "3")].into_iter().collect();
    h.insert("A", "9");
    assert_eq!(h.iter().collect::<Vec<_>>(), [("A", "9"), ("b", "2")]);
    assert!(h.remove("B"));
    assert_eq!(h.len(), 1);
}

#[test]
fn debug_hides_authorization() {
    let h: Headers = [("Authorization", "Digest secret")].into_iter().collect();
    assert!(!format!("{h:?}").contains("secret"));
}
