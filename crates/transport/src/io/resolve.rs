//! Host names to addresses in Rust, without glibc's NSS. belay-run is linked statically, and
//! glibc's static `getaddrinfo` still loads NSS's shared libraries at run time: a container or a
//! chroot that holds only the binary has none (and elsewhere they must match the glibc it was
//! linked with). The order, as a resolver configured with `files dns` has it:
//! 1. an IP address, as it is;
//! 2. `localhost` and names under `.localhost`: the loopback addresses (RFC 6761);
//! 3. `/etc/hosts`;
//! 4. DNS: A and AAAA queries over UDP to the nameservers of `/etc/resolv.conf`, within the
//!    caller's time;
//! 5. the system's resolver, last.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

use simple_dns::rdata::RData;
use simple_dns::{CLASS, Name, Packet, PacketFlag, QCLASS, QTYPE, Question, TYPE};

const HOSTS: &str = "/etc/hosts";
const RESOLV_CONF: &str = "/etc/resolv.conf";
/// The longest one DNS query may wait for its answer.
const QUERY_WAIT: Duration = Duration::from_secs(2);

/// The addresses `host` names, with `port`, found within `timeout` (DNS only: the other steps
/// take no time to speak of).
pub(crate) fn resolve(host: &str, port: u16, timeout: Duration) -> io::Result<Vec<SocketAddr>> {
    let with_port = |ips: Vec<IpAddr>| {
        ips.into_iter()
            .map(|ip| SocketAddr::new(ip, port))
            .collect()
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return Ok(with_port(vec![
            Ipv6Addr::LOCALHOST.into(),
            Ipv4Addr::LOCALHOST.into(),
        ]));
    }
    let listed = hosts_lookup(&std::fs::read_to_string(HOSTS).unwrap_or_default(), &name);
    if !listed.is_empty() {
        return Ok(with_port(listed));
    }
    let servers = nameservers(&std::fs::read_to_string(RESOLV_CONF).unwrap_or_default());
    let found = dns_lookup(&name, &servers, Instant::now() + timeout);
    if !found.is_empty() {
        return Ok(with_port(found));
    }
    let system: Vec<SocketAddr> = (host, port).to_socket_addrs()?.collect();
    if system.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no address found for {host}"),
        ));
    }
    Ok(system)
}

/// The addresses `/etc/hosts` (its text) gives `name`.
fn hosts_lookup(text: &str, name: &str) -> Vec<IpAddr> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or(""))
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let ip = fields.next()?.parse::<IpAddr>().ok()?;
            fields
                .any(|alias| alias.eq_ignore_ascii_case(name))
                .then_some(ip)
        })
        .collect()
}

/// The nameservers of `/etc/resolv.conf` (its text).
fn nameservers(text: &str) -> Vec<IpAddr> {
    text.lines()
        .filter_map(|line| line.strip_prefix("nameserver"))
        .filter_map(|rest| rest.trim().split('%').next()?.parse().ok())
        .collect()
}

/// A and AAAA records for `name`, asking each server in turn until one answers, before
/// `deadline`.
fn dns_lookup(name: &str, servers: &[IpAddr], deadline: Instant) -> Vec<IpAddr> {
    for server in servers {
        let mut found = Vec::new();
        for kind in [TYPE::A, TYPE::AAAA] {
            found.extend(
                query(name, kind, SocketAddr::new(*server, 53), deadline).unwrap_or_default(),
            );
        }
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// One query over UDP; its answer's addresses.
fn query(name: &str, kind: TYPE, server: SocketAddr, deadline: Instant) -> Option<Vec<IpAddr>> {
    let mut id = [0u8; 2];
    getrandom::fill(&mut id).ok()?;
    let id = u16::from_le_bytes(id);
    let mut packet = Packet::new_query(id);
    packet.set_flags(PacketFlag::RECURSION_DESIRED);
    packet.questions.push(Question::new(
        Name::new(name).ok()?,
        QTYPE::TYPE(kind),
        QCLASS::CLASS(CLASS::IN),
        false,
    ));
    let request = packet.build_bytes_vec().ok()?;
    let local: SocketAddr = if server.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local).ok()?;
    socket.connect(server).ok()?;
    socket.send(&request).ok()?;
    let mut buf = [0u8; 1500];
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        socket.set_read_timeout(Some(left.min(QUERY_WAIT))).ok()?;
        let n = socket.recv(&mut buf).ok()?;
        let Ok(reply) = Packet::parse(&buf[..n]) else {
            continue;
        };
        if reply.id() != id {
            continue;
        }
        return Some(
            reply
                .answers
                .iter()
                .filter_map(|rr| match &rr.rdata {
                    RData::A(a) => Some(IpAddr::V4(Ipv4Addr::from(a.address))),
                    RData::AAAA(a) => Some(IpAddr::V6(Ipv6Addr::from(a.address))),
                    _ => None,
                })
                .collect(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use simple_dns::ResourceRecord;
    use simple_dns::rdata::A;

    #[test]
    fn addresses_and_localhost_need_no_lookup() {
        let t = Duration::from_millis(1);
        assert_eq!(
            resolve("10.1.2.3", 23, t).unwrap(),
            ["10.1.2.3:23".parse().unwrap()]
        );
        assert_eq!(
            resolve("[::1]", 80, t).unwrap(),
            ["[::1]:80".parse().unwrap()]
        );
        let local = resolve("LocalHost.", 8266, t).unwrap();
        assert!(
            local.contains(&"127.0.0.1:8266".parse().unwrap()),
            "{local:?}"
        );
        assert!(
            resolve("board.localhost", 1, t).unwrap()[0]
                .ip()
                .is_loopback()
        );
    }

    #[test]
    fn hosts_and_resolv_conf_are_read_as_the_c_library_reads_them() {
        let hosts = "127.0.0.1 localhost\n# 10.0.0.9 commented\n192.168.4.1  esp32 esp32.lan # the board\n::2 esp32\n";
        assert_eq!(
            hosts_lookup(hosts, "esp32"),
            [
                "192.168.4.1".parse::<IpAddr>().unwrap(),
                "::2".parse().unwrap()
            ]
        );
        assert_eq!(hosts_lookup(hosts, "ESP32.LAN").len(), 1);
        assert!(hosts_lookup(hosts, "commented").is_empty());
        let conf =
            "search lan\nnameserver 10.0.0.1\nnameserver fe80::1%eth0\n#nameserver 1.1.1.1\n";
        assert_eq!(
            nameservers(conf),
            [
                "10.0.0.1".parse::<IpAddr>().unwrap(),
                "fe80::1".parse().unwrap()
            ]
        );
    }

    #[test]
    fn dns_answers_come_from_a_nameserver() {
        // A nameserver on the loopback that knows one name.
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = server.local_addr().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            for _ in 0..2 {
                let (n, from) = server.recv_from(&mut buf).unwrap();
                let query = Packet::parse(&buf[..n]).unwrap();
                let mut reply = Packet::new_reply(query.id());
                let question = query.questions[0].clone();
                if question.qtype == QTYPE::TYPE(TYPE::A) {
                    reply.answers.push(ResourceRecord::new(
                        question.qname.clone(),
                        CLASS::IN,
                        60,
                        RData::A(A::from(Ipv4Addr::new(192, 168, 4, 1))),
                    ));
                }
                reply.questions.push(question);
                server
                    .send_to(&reply.build_bytes_vec().unwrap(), from)
                    .unwrap();
            }
        });
        let deadline = Instant::now() + Duration::from_secs(5);
        let got = query("esp32.lan", TYPE::A, addr, deadline).unwrap();
        assert_eq!(got, [IpAddr::V4(Ipv4Addr::new(192, 168, 4, 1))]);
        assert!(
            query("esp32.lan", TYPE::AAAA, addr, deadline)
                .unwrap()
                .is_empty()
        );
    }
}
