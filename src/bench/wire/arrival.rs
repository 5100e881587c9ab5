//! Kernel receive timestamps on a plain TCP socket (Linux `SO_TIMESTAMPNS`): when the data a
//! read returns reached the socket, so that a latency can end at the arrival rather than at
//! the moment bench's thread woke up and read it. A waking thread, on a virtual CPU above all,
//! takes tens of microseconds, and that is the client's time, not the broker's.
//!
//! For TCP the kernel reports one time per read: that of the last segment the read took
//! (segments that waited unread may have been merged, keeping the newer time). Messages from
//! earlier segments of the same read arrived before it, so their latency is overstated by at
//! most the gap between the segments. After a retransmission the kernel can report the
//! earlier arrival of a segment that had to wait for the lost one; [`Arrivals`] therefore
//! never reports a time before its previous read began, when that data was not yet readable.

use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::time::{Duration, SystemTime};

use bytes::BytesMut;
use tokio::io::Interest;
use tokio::net::TcpStream;

/// Asks the kernel to time every segment that reaches `fd`. The first socket of the system
/// to ask turns timestamps on a moment later, so its first segments may come untimed.
pub fn enable(fd: BorrowedFd<'_>) -> io::Result<()> {
    let on: libc::c_int = 1;
    // SAFETY: `on` is a valid c_int for the duration of the call, and its size is passed.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_TIMESTAMPNS,
            (&raw const on).cast(),
            std::mem::size_of_val(&on) as libc::socklen_t,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Reads into `buf` like `read(2)` (blocking or not as the socket is); with the bytes read
/// comes the arrival of the last segment read, as a time after the Unix epoch
/// (`CLOCK_REALTIME`, the clock of `SystemTime`), when the kernel gave one.
pub fn recv(
    fd: BorrowedFd<'_>,
    buf: &mut [MaybeUninit<u8>],
) -> io::Result<(usize, Option<Duration>)> {
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // Room for one control message with a timespec, 8-byte aligned.
    let mut control = [0u64; 8];
    // SAFETY: msghdr is plain data for which all zeroes is a valid (empty) value.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &raw mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: `msg` points at `iov` (describing `buf`) and at `control`, all alive and
    // writable for the call; the kernel writes at most their lengths.
    let n = unsafe { libc::recvmsg(fd.as_raw_fd(), &raw mut msg, 0) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut arrived = None;
    // SAFETY: `msg` was filled by recvmsg; the CMSG macros walk only the `msg_controllen`
    // bytes of `control` it reported, each header they return lies within it, and the data
    // of a timestamp message is checked to hold a whole timespec before it is read.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&raw const msg);
        while !cmsg.is_null() {
            let header = &*cmsg;
            let size = std::mem::size_of::<libc::timespec>() as libc::c_uint;
            if header.cmsg_level == libc::SOL_SOCKET
                && header.cmsg_type == libc::SCM_TIMESTAMPNS
                && header.cmsg_len as usize >= libc::CMSG_LEN(size) as usize
            {
                let at: libc::timespec = std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast());
                if let (Ok(secs), Ok(nanos)) = (u64::try_from(at.tv_sec), u32::try_from(at.tv_nsec))
                {
                    if nanos < 1_000_000_000 {
                        arrived = Some(Duration::new(secs, nanos));
                    }
                }
            }
            cmsg = libc::CMSG_NXTHDR(&raw const msg, cmsg);
        }
    }
    Ok((n as usize, arrived))
}

/// The wall clock as a time after the Unix epoch (the clock of the kernel's arrival times).
pub fn unix_now() -> Option<Duration> {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()
}

/// The reads of one socket with the arrival times of their data.
#[derive(Debug, Default)]
pub struct Arrivals {
    /// When the last read was tried: data it did not return was not readable before then.
    last_try: Option<Duration>,
}

impl Arrivals {
    /// Reads from `tcp` into the spare capacity of `buf` (waiting until there is
    /// something), with the arrival time of [`recv`], never before the previous try began.
    /// 0 bytes read is the end of the stream.
    pub async fn read(
        &mut self,
        tcp: &TcpStream,
        buf: &mut BytesMut,
    ) -> io::Result<(usize, Option<Duration>)> {
        if buf.len() == buf.capacity() {
            // A read into no room would look like the end of the stream.
            buf.reserve(4096);
        }
        loop {
            tcp.readable().await?;
            let spare = buf.spare_capacity_mut();
            let room = spare.len();
            let mut drained = None;
            let earliest = self.last_try;
            self.last_try = unix_now();
            let read = tcp.try_io(Interest::READABLE, || {
                let (n, arrived) = recv(tcp.as_fd(), spare)?;
                // A read that did not fill the buffer emptied the socket: reporting
                // WouldBlock clears tokio's readiness, which saves a read that would only
                // say so (tokio's own reads do the same; the next segment sets readiness
                // again).
                if n > 0 && n < room {
                    drained = Some((n, arrived));
                    return Err(io::ErrorKind::WouldBlock.into());
                }
                Ok((n, arrived))
            });
            let (n, arrived) = match (read, drained) {
                (_, Some(got)) | (Ok(got), None) => got,
                (Err(e), None) if e.kind() == io::ErrorKind::WouldBlock => continue,
                (Err(e), None) => return Err(e),
            };
            // SAFETY: recv initialised the first `n` bytes of the spare capacity.
            unsafe { buf.set_len(buf.len() + n) };
            let arrived = arrived.map(|at| earliest.map_or(at, |e| at.max(e)));
            return Ok((n, arrived));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    /// A connected loopback pair on an OS-assigned port whose receiver gets arrival times,
    /// warmed up: (sender, receiver, its reads), or `None` (with the reason printed) where
    /// the kernel has no such option.
    async fn pair() -> Option<(TcpStream, TcpStream, Arrivals)> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut sender = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (receiver, _) = listener.accept().await.unwrap();
        if let Err(e) = enable(receiver.as_fd()) {
            eprintln!("skipped: this kernel gives no TCP arrival times (SO_TIMESTAMPNS: {e})");
            return None;
        }
        let mut arrivals = Arrivals::default();
        warm_up(&mut sender, &receiver, &mut arrivals).await;
        Some((sender, receiver, arrivals))
    }

    /// Sends single bytes until one arrives timed: the first socket of the system to ask
    /// turns timestamps on a moment later.
    async fn warm_up(sender: &mut TcpStream, receiver: &TcpStream, arrivals: &mut Arrivals) {
        let mut buf = BytesMut::with_capacity(64);
        for _ in 0..100 {
            sender.write_all(b".").await.unwrap();
            if arrivals.read(receiver, &mut buf).await.unwrap().1.is_some() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("SO_TIMESTAMPNS was accepted, but no segment arrived timed within 1 s");
    }

    #[tokio::test]
    async fn the_time_is_the_arrival_not_the_read() {
        let Some((mut sender, receiver, mut arrivals)) = pair().await else {
            return;
        };
        sender.write_all(b"hello").await.unwrap();
        let written = unix_now().unwrap();
        // The data sits in the socket while the reader is away.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut buf = BytesMut::with_capacity(64);
        let (n, arrived) = arrivals.read(&receiver, &mut buf).await.unwrap();
        let read_at = unix_now().unwrap();
        assert_eq!(&buf[..n], b"hello");
        let arrived = arrived.expect("the kernel gave no arrival time");
        assert!(arrived <= read_at);
        assert!(
            read_at - arrived >= Duration::from_millis(45),
            "arrival {arrived:?} is not before the read at {read_at:?}"
        );
        assert!(arrived + Duration::from_millis(20) >= written);
    }

    #[tokio::test]
    async fn a_drained_socket_waits_for_the_next_segment_and_loses_nothing() {
        let Some((mut sender, receiver, mut arrivals)) = pair().await else {
            return;
        };
        let mut buf = BytesMut::with_capacity(1024);
        sender.write_all(b"first").await.unwrap();
        let (n, _) = arrivals.read(&receiver, &mut buf).await.unwrap();
        assert_eq!(n, 5);
        // Nothing more yet: the read waits (its readiness was cleared, not left stale).
        let waiting = tokio::time::timeout(
            Duration::from_millis(50),
            arrivals.read(&receiver, &mut buf),
        )
        .await;
        assert!(waiting.is_err(), "a read returned with nothing sent");
        // The next segment wakes it again, and its time is not before the read that
        // found nothing.
        let waited_from = unix_now().unwrap();
        sender.write_all(b"second").await.unwrap();
        let (n, arrived) = arrivals.read(&receiver, &mut buf).await.unwrap();
        assert_eq!(n, 6);
        assert!(arrived.expect("untimed") + Duration::from_millis(50) >= waited_from);
        assert_eq!(&buf[..], b"firstsecond");
        // The end of the stream reads as 0 bytes.
        drop(sender);
        let (n, _) = arrivals.read(&receiver, &mut buf).await.unwrap();
        assert_eq!(n, 0);
    }
}
