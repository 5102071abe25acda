//! HTTP/RTSP decoding never panics, and what it decodes encodes back to the same message.
#![no_main]

use atv_airplay::wire::{decode_request, decode_response};
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut buf = BytesMut::from(data);
    while let Ok(Some(request)) = decode_request(&mut buf) {
        let mut out = BytesMut::new();
        request.encode(&mut out);
        let again = decode_request(&mut out)
            .expect("re-decode")
            .expect("complete");
        assert_eq!(
            (&again.method, &again.uri, again.protocol, &again.body),
            (
                &request.method,
                &request.uri,
                request.protocol,
                &request.body
            )
        );
        // Content-Length is rewritten with the real length; every other header stays.
        let others = |r: &atv_airplay::wire::Request| {
            r.headers
                .iter()
                .filter(|(n, _)| !n.eq_ignore_ascii_case("content-length"))
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect::<Vec<_>>()
        };
        assert_eq!(others(&again), others(&request));
        assert!(out.is_empty());
    }
    let mut buf = BytesMut::from(data);
    while let Ok(Some(response)) = decode_response(&mut buf) {
        let mut out = BytesMut::new();
        response.encode(&mut out);
        let again = decode_response(&mut out)
            .expect("re-decode")
            .expect("complete");
        // Encoding adds Content-Length when it was missing; compare the rest.
        assert_eq!(again.status, response.status);
        assert_eq!(again.reason, response.reason);
        assert_eq!(again.body, response.body);
        assert!(out.is_empty());
    }
});
