//! A response body that stops short: some bytes, then an error, which makes hyper
//! abort the connection before `Content-Length` is reached.

use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::body::{Body, Bytes, Frame};

pub struct Truncated {
    data: Option<Bytes>,
    paused: bool,
}

impl Truncated {
    pub fn new(data: Bytes) -> Self {
        Self {
            data: Some(data).filter(|d| !d.is_empty()),
            paused: false,
        }
    }
}

impl Body for Truncated {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if let Some(data) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        // hyper drops unflushed bytes when a body fails; pausing once makes it flush
        // the status line, headers and partial body to the socket first.
        if !self.paused {
            self.paused = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "fault injected: body truncated",
        ))))
    }
}
