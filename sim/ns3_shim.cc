// The ns-3 shim: the one C++ file of the testbed (see ns3_shim.h for the
// contract). Everything here exists to keep ns-3 types out of the C code.
#include "ns3_shim.h"

#include <ns3/boolean.h>
#include <ns3/double.h>
#include <ns3/pointer.h>
#include <ns3/uinteger.h>
#include <ns3/channel.h>
#include <ns3/csma-channel.h>
#include <ns3/csma-helper.h>
#include <ns3/csma-net-device.h>
#include <ns3/data-rate.h>
#include <ns3/error-model.h>
#include <ns3/ethernet-trailer.h>
#include <ns3/global-value.h>
#include <ns3/inet-socket-address.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-global-routing-helper.h>
#include <ns3/ipv4-header.h>
#include <ns3/ipv4-packet-info-tag.h>
#include <ns3/ipv4-raw-socket-factory.h>
#include <ns3/ipv4-routing-protocol.h>
#include <ns3/ipv4.h>
#include <ns3/arp-cache.h>
#include <ns3/ipv4-interface.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/node.h>
#include <ns3/nstime.h>
#include <ns3/object-factory.h>
#include <ns3/packet.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/point-to-point-net-device.h>
#include <ns3/queue-size.h>
#include <ns3/queue.h>
#include <ns3/random-variable-stream.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>
#include <ns3/socket.h>
#include <ns3/udp-socket-factory.h>

#include <cstring>
#include <list>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

using namespace ns3;

namespace {

constexpr size_t kMaxUdpPayload = 65507; // 65535 - IPv4 20 - UDP 8
constexpr size_t kMaxNth = 1024;
constexpr uint16_t kPppIpv4 = 0x0021;
constexpr size_t kEthHeader = 14, kEthTrailer = 4, kEthMinPayload = 46;

// Stream numbers: fixed blocks per node and per (link, end), so a later
// node or link never shifts the draws of an earlier one.
int64_t NodeStreamBase(uint32_t node) { return 10000 + int64_t(node) * 64; }
int64_t EndStream(uint32_t link, uint32_t end, int k)
{
    return 100000000 + int64_t(link) * 65536 + int64_t(end) * 16 + k;
}
enum { kStreamCsma = 0, kStreamRate = 1, kStreamBurst = 2 /* 2 streams */,
       kStreamDup = 4, kStreamJitter = 5, kStreamReorder = 6 };

// ---- byte-level IPv4/UDP building (checksums as RFC 791/768) ----
uint32_t SumBytes(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += uint32_t(p[i]) << 8 | p[i + 1];
    if (n & 1)
        sum += uint32_t(p[n - 1]) << 8;
    return sum;
}
uint16_t Fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(~sum);
}
void Put16(uint8_t *p, uint16_t v) { p[0] = uint8_t(v >> 8); p[1] = uint8_t(v); }
void Put32(uint8_t *p, uint32_t v) { Put16(p, uint16_t(v >> 16)); Put16(p + 2, uint16_t(v)); }
uint16_t Get16(const uint8_t *p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t Get32(const uint8_t *p) { return uint32_t(Get16(p)) << 16 | Get16(p + 2); }

// Append UDP header + payload with its checksum over the pseudo-header.
void AppendUdp(std::vector<uint8_t> &out, uint32_t src, uint32_t dst, uint16_t sport,
               uint16_t dport, const uint8_t *data, size_t len)
{
    size_t at = out.size();
    out.resize(at + 8 + len);
    uint8_t *u = &out[at];
    Put16(u, sport);
    Put16(u + 2, dport);
    Put16(u + 4, uint16_t(8 + len));
    Put16(u + 6, 0);
    if (len)
        memcpy(u + 8, data, len);
    uint8_t pseudo[12];
    Put32(pseudo, src);
    Put32(pseudo + 4, dst);
    pseudo[8] = 0;
    pseudo[9] = 17;
    Put16(pseudo + 10, uint16_t(8 + len));
    uint16_t c = Fold(SumBytes(u, 8 + len, SumBytes(pseudo, 12, 0)));
    Put16(u + 6, c == 0 ? 0xffff : c); // 0 means "no checksum" in UDP
}

// Append a 20-byte IPv4 header (or the given original header, patched) for
// a UDP datagram of udp_len bytes.
void AppendIpv4(std::vector<uint8_t> &out, const uint8_t *orig, size_t orig_len,
                uint32_t src, uint32_t dst, uint16_t id, size_t udp_len)
{
    size_t at = out.size();
    if (orig) {
        out.insert(out.end(), orig, orig + orig_len);
    } else {
        out.resize(at + 20);
        uint8_t *h = &out[at];
        h[0] = 0x45; h[1] = 0;
        Put16(h + 4, id);
        Put16(h + 6, 0);
        h[8] = 64; h[9] = 17;
        Put32(h + 12, src);
        Put32(h + 16, dst);
        orig_len = 20;
    }
    uint8_t *h = &out[at];
    Put16(h + 2, uint16_t(orig_len + udp_len));
    Put16(h + 10, 0);
    Put16(h + 10, Fold(SumBytes(h, orig_len, 0)));
}

} // namespace

// A frame's bytes (L2 header + IPv4 datagram) as an ns-3 packet; Ethernet
// frames are padded to the 64-byte minimum and get their FCS, as
// CsmaNetDevice itself would do.
static Ptr<Packet> FinishFrame(bool csma, std::vector<uint8_t> &f)
{
    if (csma && f.size() < kEthHeader + kEthMinPayload)
        f.resize(kEthHeader + kEthMinPayload, 0);
    Ptr<Packet> p = Create<Packet>(f.data(), uint32_t(f.size()));
    if (csma) {
        EthernetTrailer t;
        t.EnableFcs(true);
        t.CalcFcs(p);
        p->AddTrailer(t);
    }
    return p;
}

// ---- the world's pieces ----

class ShimErrorModel;

struct Endpoint {
    isakmp_sim_world *w;
    Ptr<Socket> sock;
    uint32_t node;
    uint16_t port;
    isakmp_sim_recv_fn fn;
    void *user;
    uint64_t received;
};

struct End {
    isakmp_sim_world *w;
    uint32_t link, end, node;
    bool csma;
    Ptr<NetDevice> dev;
    Ptr<ShimErrorModel> em;
};

struct Link {
    bool csma;
    std::vector<std::unique_ptr<End>> ends;
};

struct isakmp_sim_world {
    std::vector<Ptr<Node>> nodes;
    std::vector<Link> links;
    std::map<std::pair<uint32_t, uint16_t>, std::unique_ptr<Endpoint>> udp;
    std::map<const NetDevice *, Ptr<Socket>> raw; // one raw socket per attacker device
    std::unordered_map<uint64_t, EventId> events;
    uint64_t next_event = 1;
    uint16_t next_ip_id = 1;
    bool topology_dirty = true;
    bool routes_built = false;
    bool running = false; // Simulator::Run must not be re-entered
    PointToPointHelper p2p;
    CsmaHelper csma;
};

static bool g_world_live = false;

// The receive-side hook installed on every device: ns-3 calls IsCorrupt
// with the received frame (L2 header included) before any sniffer or the
// stack sees it, and lets us change the frame in place. It runs the ns-3
// loss models, then the tap, then the impairments.
class ShimErrorModel : public ErrorModel {
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("isakmp::ShimErrorModel").SetParent<ErrorModel>();
        return tid;
    }
    End *owner = nullptr;
    std::vector<Ptr<ErrorModel>> losses;
    Ptr<RateErrorModel> rate_model;   // the end's one rate model (isakmp_sim_loss_rate)
    isakmp_sim_loss_fn filter = nullptr;
    void *filter_user = nullptr;
    isakmp_sim_tap_fn tap = nullptr;
    void *tap_user = nullptr;
    double dup_prob = 0;
    uint64_t jitter_ns = 0;
    double reorder_prob = 0;
    uint64_t reorder_ns = 0;
    Ptr<UniformRandomVariable> dup_rv, jitter_rv, reorder_rv;
    const Packet *bypass = nullptr; // a frame we re-deliver ourselves
    std::vector<uint8_t> frame, payload; // the tap's buffers, reused
    struct isakmp_sim_end_stats stats {};

    // Hand a frame to the device as if it had just arrived, skipping this model.
    void Redeliver(Ptr<Packet> p)
    {
        bypass = PeekPointer(p);
        if (owner->csma)
            DynamicCast<CsmaNetDevice>(owner->dev)->Receive(p, nullptr);
        else
            DynamicCast<PointToPointNetDevice>(owner->dev)->Receive(p);
        bypass = nullptr;
    }

  private:
    bool DoCorrupt(Ptr<Packet> p) override;
    void DoReset() override {}
    bool ParseUdp(Ptr<Packet> p, struct isakmp_sim_tap_packet &tp, size_t &l2, size_t &ihl);
    bool RunTap(Ptr<Packet> p);
    uint64_t DrawJitter() { return jitter_ns ? uint64_t(jitter_rv->GetInteger(0, uint32_t(jitter_ns))) : 0; }
};

static void RedeliverLater(Ptr<ShimErrorModel> em, Ptr<Packet> p) { em->Redeliver(p); }

bool ShimErrorModel::DoCorrupt(Ptr<Packet> p)
{
    if (PeekPointer(p) == bypass)
        return false;
    bool lost = false;
    for (auto &m : losses) // evaluate all: each draws once per frame, always
        lost |= m->IsCorrupt(p);
    if (filter) { // sees lost frames too (it may count what arrives)
        struct isakmp_sim_tap_packet tp;
        size_t l2, ihl;
        if (ParseUdp(p, tp, l2, ihl) && filter(filter_user, &tp, lost))
            lost = true;
    }
    if (lost) {
        stats.lost++;
        return true;
    }
    if (tap && RunTap(p))
        return true;
    if (dup_prob > 0 || jitter_ns > 0 || reorder_prob > 0) {
        bool dup = dup_prob > 0 && dup_rv->GetValue() < dup_prob;
        uint64_t extra = DrawJitter();
        if (reorder_prob > 0 && reorder_rv->GetValue() < reorder_prob) {
            stats.reordered++;
            extra += reorder_ns;
        }
        if (dup) {
            stats.duplicated++;
            Simulator::Schedule(NanoSeconds(DrawJitter()), &RedeliverLater,
                                Ptr<ShimErrorModel>(this), p->Copy());
        }
        if (extra > 0) {
            stats.delayed++;
            Simulator::Schedule(NanoSeconds(extra), &RedeliverLater,
                                Ptr<ShimErrorModel>(this), p->Copy());
            return true; // the original is consumed here, the copy arrives later
        }
    }
    return false;
}

// Parse the frame into `frame`; if it is an unfragmented IPv4/UDP datagram
// for this device, copy its payload into `payload` and describe it in tp
// (l2 = link header length, ihl = IPv4 header length). False otherwise.
bool ShimErrorModel::ParseUdp(Ptr<Packet> p, struct isakmp_sim_tap_packet &tp, size_t &l2,
                              size_t &ihl_out)
{
    size_t size = p->GetSize();
    std::vector<uint8_t> &b = frame;
    b.resize(size);
    p->CopyData(b.data(), uint32_t(size));

    l2 = owner->csma ? kEthHeader : 2;
    size_t tail = owner->csma ? kEthTrailer : 0;
    if (size < l2 + tail + 20 + 8)
        return false;
    if (owner->csma) {
        uint8_t mac[6];
        Mac48Address::ConvertFrom(owner->dev->GetAddress()).CopyTo(mac);
        bool group = b[0] & 1;
        if ((!group && memcmp(b.data(), mac, 6) != 0) || Get16(&b[12]) != 0x0800)
            return false;
    } else if (Get16(&b[0]) != kPppIpv4) {
        return false;
    }
    const uint8_t *ip = &b[l2];
    size_t avail = size - l2 - tail;
    size_t ihl = size_t(ip[0] & 0x0f) * 4, total = Get16(ip + 2);
    if ((ip[0] >> 4) != 4 || ihl < 20 || total < ihl + 8 || total > avail || ip[9] != 17 ||
        (Get16(ip + 6) & 0x3fff) != 0) // MF set or non-zero offset: a fragment
        return false;
    const uint8_t *udp = ip + ihl;
    size_t ulen = Get16(udp + 4);
    if (ulen < 8 || ulen > total - ihl)
        return false;

    payload.resize(kMaxUdpPayload);
    size_t plen = ulen - 8;
    memcpy(payload.data(), udp + 8, plen);
    ihl_out = ihl;
    tp.link = owner->link;
    tp.end = owner->end;
    tp.node = owner->node;
    tp.now_ns = uint64_t(Simulator::Now().GetNanoSeconds());
    tp.src = Get32(ip + 12);
    tp.dst = Get32(ip + 16);
    tp.sport = Get16(udp);
    tp.dport = Get16(udp + 2);
    tp.data = payload.data();
    tp.len = plen;
    tp.cap = kMaxUdpPayload - (ihl - 20); // IPv4 total length must fit 16 bits
    return true;
}

// Show an IPv4/UDP frame for this device to the tap. Returns true when the
// frame must be dropped.
bool ShimErrorModel::RunTap(Ptr<Packet> p)
{
    struct isakmp_sim_tap_packet tp;
    size_t l2, ihl;
    if (!ParseUdp(p, tp, l2, ihl))
        return false;
    const uint8_t *ip = &frame[l2];
    stats.tap_seen++;
    enum isakmp_sim_verdict v = tap(tap_user, &tp);
    if (v == ISAKMP_SIM_DROP) {
        stats.tap_dropped++;
        return true;
    }
    if (v != ISAKMP_SIM_MODIFIED || tp.len > tp.cap)
        return false;

    // Rebuild the frame around the new payload: same L2 and IPv4 header
    // fields, new lengths and checksums (an on-path attacker fixes them).
    std::vector<uint8_t> f(frame.begin(), frame.begin() + long(l2));
    AppendIpv4(f, ip, ihl, tp.src, tp.dst, 0, 8 + tp.len);
    AppendUdp(f, tp.src, tp.dst, tp.sport, tp.dport, payload.data(), tp.len);
    Ptr<Packet> np = FinishFrame(owner->csma, f);
    p->RemoveAtEnd(p->GetSize());
    p->AddAtEnd(np);
    stats.tap_modified++;
    return false;
}

// ---- helpers ----

static End *GetEnd(isakmp_sim_world *w, uint32_t link, uint32_t end)
{
    if (!w || link >= w->links.size() || end >= w->links[link].ends.size())
        return nullptr;
    return w->links[link].ends[end].get();
}

static Ptr<Node> GetNode(isakmp_sim_world *w, uint32_t node)
{
    return (w && node < w->nodes.size()) ? w->nodes[node] : nullptr;
}

// Fill every CSMA interface's ARP cache with its same-subnet neighbours, so
// no ARP exchange delays (or shows up in) the first datagrams. This is what
// ns-3's NeighborCacheHelper::PopulateNeighborCache does, but that helper
// dereferences the node's IPv6 stack, which our IPv4-only nodes lack.
static void PopulateArp(isakmp_sim_world *w)
{
    for (auto &l : w->links) {
        if (!l.csma)
            continue;
        for (auto &e : l.ends) {
            Ptr<Ipv4L3Protocol> ip = w->nodes[e->node]->GetObject<Ipv4L3Protocol>();
            int32_t ifi = ip->GetInterfaceForDevice(e->dev);
            if (ifi < 0)
                continue;
            Ptr<Ipv4Interface> iface = ip->GetInterface(uint32_t(ifi));
            Ptr<ArpCache> cache = iface->GetArpCache();
            for (auto &n : l.ends) {
                if (n.get() == e.get() || !cache)
                    continue;
                Ptr<Ipv4L3Protocol> nip = w->nodes[n->node]->GetObject<Ipv4L3Protocol>();
                int32_t nifi = nip->GetInterfaceForDevice(n->dev);
                if (nifi < 0)
                    continue;
                Ptr<Ipv4Interface> niface = nip->GetInterface(uint32_t(nifi));
                for (uint32_t a = 0; a < iface->GetNAddresses(); a++)
                    for (uint32_t b = 0; b < niface->GetNAddresses(); b++) {
                        Ipv4Address them = niface->GetAddress(b).GetLocal();
                        if (!iface->GetAddress(a).IsInSameSubnet(them))
                            continue;
                        ArpCache::Entry *entry = cache->Lookup(them);
                        if (!entry)
                            entry = cache->Add(them);
                        entry->SetMacAddress(n->dev->GetAddress());
                        entry->MarkAutoGenerated();
                    }
            }
        }
    }
}

// Whether no node is on more than one link (interface 0 is loopback).
static bool SingleHomed(isakmp_sim_world *w)
{
    for (auto &n : w->nodes)
        if (n->GetObject<Ipv4>()->GetNInterfaces() > 2)
            return false;
    return true;
}

// Routing tables and ARP caches reflect the whole topology: (re)build them
// lazily once it has changed, before anything is sent or run.  When every
// node is on one link, the routes ns-3 adds for each interface's subnet
// are the whole table (the scenario puts a link's ends in one subnet):
// ns-3's global routing (all-pairs shortest paths, quadratic in the nodes:
// most of the set-up time with 10 000 initiators) is kept for topologies
// with routers.  No default route: replies to spoofed sources find no
// route and go nowhere, as with global routing, instead of ARPing.
static void EnsureRoutes(isakmp_sim_world *w)
{
    if (!w->topology_dirty)
        return;
    if (!SingleHomed(w)) {
        if (w->routes_built)
            Ipv4GlobalRoutingHelper::RecomputeRoutingTables();
        else
            Ipv4GlobalRoutingHelper::PopulateRoutingTables();
        w->routes_built = true;
    }
    PopulateArp(w);
    w->topology_dirty = false;
}

static void AttachEnd(isakmp_sim_world *w, Link &l, uint32_t link, uint32_t node,
                      Ptr<NetDevice> dev, uint32_t addr, unsigned prefix_len)
{
    auto e = std::make_unique<End>();
    e->w = w;
    e->link = link;
    e->end = uint32_t(l.ends.size());
    e->node = node;
    e->csma = l.csma;
    e->dev = dev;
    e->em = CreateObject<ShimErrorModel>();
    e->em->owner = e.get();
    dev->SetAttribute("ReceiveErrorModel", PointerValue(e->em));

    Ptr<Ipv4> ipv4 = w->nodes[node]->GetObject<Ipv4>();
    int32_t ifi = ipv4->AddInterface(dev);
    ipv4->AddAddress(uint32_t(ifi), Ipv4InterfaceAddress(Ipv4Address(addr),
                                                         Ipv4Mask(prefix_len ? ~0u << (32 - prefix_len) : 0)));
    ipv4->SetMetric(uint32_t(ifi), 1);
    ipv4->SetUp(uint32_t(ifi));
    l.ends.push_back(std::move(e));
}

static bool ValidParams(const isakmp_sim_link_params *p, unsigned prefix_len)
{
    return p && p->rate_bps > 0 && prefix_len >= 1 && prefix_len <= 32 &&
           p->delay_ns <= uint64_t(INT64_MAX);
}

static QueueSizeValue QueueOf(const isakmp_sim_link_params *p)
{
    return QueueSizeValue(QueueSize(QueueSizeUnit::PACKETS, p->queue_packets ? p->queue_packets : 100));
}

// ---- C API ----

extern "C" {

isakmp_sim_world *isakmp_sim_world_new(uint32_t seed, uint64_t run)
{
    if (seed == 0 || g_world_live)
        return nullptr;
    g_world_live = true;
    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(run);
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    Simulator::SetScheduler(ObjectFactory("ns3::PriorityQueueScheduler"));
    return new isakmp_sim_world();
}

void isakmp_sim_world_free(isakmp_sim_world *w)
{
    if (!w)
        return;
    Simulator::Destroy(); // disposes nodes, devices, sockets; closes pcaps
    delete w;
    g_world_live = false;
}

int isakmp_sim_node_new(isakmp_sim_world *w)
{
    if (!w || w->nodes.size() >= 65535)
        return -1;
    Ptr<Node> n = CreateObject<Node>();
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.Install(n);
    uint32_t id = uint32_t(w->nodes.size());
    stack.AssignStreams(NodeContainer(n), NodeStreamBase(id));
    w->nodes.push_back(n);
    w->topology_dirty = true;
    return int(id);
}

int isakmp_sim_link_p2p(isakmp_sim_world *w, uint32_t a, uint32_t b,
                        const struct isakmp_sim_link_params *params,
                        uint32_t addr_a, uint32_t addr_b, unsigned prefix_len)
{
    if (!GetNode(w, a) || !GetNode(w, b) || a == b || !ValidParams(params, prefix_len))
        return -1;
    w->p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(params->rate_bps)));
    w->p2p.SetChannelAttribute("Delay", TimeValue(NanoSeconds(int64_t(params->delay_ns))));
    w->p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueOf(params));
    NetDeviceContainer d = w->p2p.Install(w->nodes[a], w->nodes[b]);
    uint32_t id = uint32_t(w->links.size());
    w->links.push_back(Link{false, {}});
    AttachEnd(w, w->links.back(), id, a, d.Get(0), addr_a, prefix_len);
    AttachEnd(w, w->links.back(), id, b, d.Get(1), addr_b, prefix_len);
    w->topology_dirty = true;
    return int(id);
}

int isakmp_sim_link_csma(isakmp_sim_world *w, const uint32_t *nodes, const uint32_t *addrs,
                         size_t n, const struct isakmp_sim_link_params *params,
                         unsigned prefix_len)
{
    if (!w || !nodes || !addrs || n < 2 || n > 4096 || !ValidParams(params, prefix_len))
        return -1;
    NodeContainer c;
    for (size_t i = 0; i < n; i++) {
        if (!GetNode(w, nodes[i]))
            return -1;
        c.Add(w->nodes[nodes[i]]);
    }
    w->csma.SetChannelAttribute("DataRate", DataRateValue(DataRate(params->rate_bps)));
    w->csma.SetChannelAttribute("Delay", TimeValue(NanoSeconds(int64_t(params->delay_ns))));
    w->csma.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueOf(params));
    NetDeviceContainer d = w->csma.Install(c);
    uint32_t id = uint32_t(w->links.size());
    w->links.push_back(Link{true, {}});
    for (size_t i = 0; i < n; i++) {
        AttachEnd(w, w->links.back(), id, nodes[i], d.Get(uint32_t(i)), addrs[i], prefix_len);
        DynamicCast<CsmaNetDevice>(d.Get(uint32_t(i)))->AssignStreams(EndStream(id, uint32_t(i), kStreamCsma));
    }
    w->topology_dirty = true;
    return int(id);
}

int isakmp_sim_loss_rate(isakmp_sim_world *w, uint32_t link, uint32_t end, double p)
{
    End *e = GetEnd(w, link, end);
    if (!e || !(p >= 0 && p <= 1))
        return -1;
    if (e->em->rate_model) { // one model per end: a condition changes its rate
        e->em->rate_model->SetRate(p);
        return 0;
    }
    Ptr<RateErrorModel> m = CreateObject<RateErrorModel>();
    m->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
    m->SetRate(p);
    m->AssignStreams(EndStream(link, end, kStreamRate));
    e->em->losses.push_back(m);
    e->em->rate_model = m;
    return 0;
}

int isakmp_sim_loss_burst(isakmp_sim_world *w, uint32_t link, uint32_t end, double p,
                          uint32_t min_len, uint32_t max_len)
{
    End *e = GetEnd(w, link, end);
    if (!e || !(p >= 0 && p <= 1) || min_len < 1 || max_len < min_len)
        return -1;
    Ptr<BurstErrorModel> m = CreateObject<BurstErrorModel>();
    m->SetBurstRate(p);
    Ptr<UniformRandomVariable> start = CreateObject<UniformRandomVariable>();
    Ptr<UniformRandomVariable> size = CreateObject<UniformRandomVariable>();
    size->SetAttribute("Min", DoubleValue(min_len));
    size->SetAttribute("Max", DoubleValue(max_len + 1.0)); // integer draw in [min, max]
    m->SetRandomVariable(start);
    m->SetRandomBurstSize(size);
    // Not m->AssignStreams: in 3.37 it gives both variables the SAME stream,
    // which correlates burst starts with burst sizes.
    start->SetStream(EndStream(link, end, kStreamBurst));
    size->SetStream(EndStream(link, end, kStreamBurst + 1));
    e->em->losses.push_back(m);
    return 0;
}

int isakmp_sim_loss_nth(isakmp_sim_world *w, uint32_t link, uint32_t end,
                        const uint32_t *nth, size_t n)
{
    End *e = GetEnd(w, link, end);
    if (!e || (n && !nth) || n > kMaxNth)
        return -1;
    std::list<uint32_t> list;
    for (size_t i = 0; i < n; i++) {
        if (nth[i] == 0)
            return -1;
        list.push_back(nth[i] - 1); // ns-3 counts from 0
    }
    Ptr<ReceiveListErrorModel> m = CreateObject<ReceiveListErrorModel>();
    m->SetList(list);
    e->em->losses.push_back(m);
    return 0;
}

int isakmp_sim_impair(isakmp_sim_world *w, uint32_t link, uint32_t end, double dup_prob,
                      uint64_t jitter_max_ns)
{
    End *e = GetEnd(w, link, end);
    if (!e || !(dup_prob >= 0 && dup_prob <= 1) || jitter_max_ns > UINT32_MAX)
        return -1;
    Ptr<ShimErrorModel> em = e->em;
    em->dup_prob = dup_prob;
    em->jitter_ns = jitter_max_ns;
    if (!em->dup_rv) {
        em->dup_rv = CreateObject<UniformRandomVariable>();
        em->dup_rv->SetStream(EndStream(link, end, kStreamDup));
        em->jitter_rv = CreateObject<UniformRandomVariable>();
        em->jitter_rv->SetStream(EndStream(link, end, kStreamJitter));
    }
    return 0;
}

int isakmp_sim_reorder(isakmp_sim_world *w, uint32_t link, uint32_t end, double prob,
                       uint64_t hold_ns)
{
    End *e = GetEnd(w, link, end);
    if (!e || !(prob >= 0 && prob <= 1) || hold_ns > uint64_t(INT64_MAX) / 2)
        return -1;
    Ptr<ShimErrorModel> em = e->em;
    em->reorder_prob = prob;
    em->reorder_ns = hold_ns;
    if (!em->reorder_rv) { // dup/jitter variables are drawn only once impair() set them up
        em->reorder_rv = CreateObject<UniformRandomVariable>();
        em->reorder_rv->SetStream(EndStream(link, end, kStreamReorder));
    }
    return 0;
}

int isakmp_sim_loss_filter(isakmp_sim_world *w, uint32_t link, uint32_t end,
                           isakmp_sim_loss_fn fn, void *user)
{
    End *e = GetEnd(w, link, end);
    if (!e)
        return -1;
    e->em->filter = fn;
    e->em->filter_user = user;
    return 0;
}

int isakmp_sim_link_set_delay(isakmp_sim_world *w, uint32_t link, uint64_t delay_ns)
{
    if (!w || link >= w->links.size() || delay_ns > uint64_t(INT64_MAX))
        return -1;
    // Both kinds of channel read their Delay attribute per frame sent.
    Ptr<Channel> ch = w->links[link].ends[0]->dev->GetChannel();
    ch->SetAttribute("Delay", TimeValue(NanoSeconds(int64_t(delay_ns))));
    return 0;
}

int isakmp_sim_link_set_rate(isakmp_sim_world *w, uint32_t link, uint64_t rate_bps)
{
    if (!w || link >= w->links.size() || rate_bps == 0 || w->links[link].csma)
        return -1;
    for (auto &e : w->links[link].ends) // the rate of the NEXT frame each device sends
        DynamicCast<PointToPointNetDevice>(e->dev)->SetDataRate(DataRate(rate_bps));
    return 0;
}

int isakmp_sim_tap(isakmp_sim_world *w, uint32_t link, uint32_t end, isakmp_sim_tap_fn fn,
                   void *user)
{
    End *e = GetEnd(w, link, end);
    if (!e)
        return -1;
    e->em->tap = fn;
    e->em->tap_user = user;
    return 0;
}

int isakmp_sim_deliver_udp(isakmp_sim_world *w, uint32_t link, uint32_t end, uint32_t src,
                           uint16_t sport, uint32_t dst, uint16_t dport, const void *data,
                           size_t len)
{
    End *e = GetEnd(w, link, end);
    if (!e || len > kMaxUdpPayload || (len && !data))
        return -1;
    EnsureRoutes(w);
    std::vector<uint8_t> f;
    if (e->csma) {
        f.resize(kEthHeader);
        Mac48Address::ConvertFrom(e->dev->GetAddress()).CopyTo(&f[0]);
        // The source MAC is the next device on the segment: a plausible sender.
        Link &l = w->links[link];
        End *other = l.ends[(end + 1) % l.ends.size()].get();
        Mac48Address::ConvertFrom(other->dev->GetAddress()).CopyTo(&f[6]);
        Put16(&f[12], 0x0800);
    } else {
        f.resize(2);
        Put16(&f[0], kPppIpv4);
    }
    AppendIpv4(f, nullptr, 0, src, dst, w->next_ip_id++, 8 + len);
    AppendUdp(f, src, dst, sport, dport, static_cast<const uint8_t *>(data), len);
    e->em->Redeliver(FinishFrame(e->csma, f));
    return 0;
}

// ---- UDP ----

static void OnUdpReadable(Endpoint *ep, Ptr<Socket> s)
{
    // A local buffer: the callback may re-enter the shim (deliver_udp) and
    // get another datagram before it returns.
    uint8_t small[2048];
    std::vector<uint8_t> big;
    Address from;
    Ptr<Packet> p;
    while ((p = s->RecvFrom(from))) {
        ep->received++;
        if (!ep->fn)
            continue;
        InetSocketAddress f = InetSocketAddress::ConvertFrom(from);
        Ipv4PacketInfoTag info;
        uint32_t to = p->PeekPacketTag(info) ? info.GetAddress().Get() : 0;
        size_t n = p->GetSize();
        uint8_t *data = small;
        if (n > sizeof small) {
            big.resize(n);
            data = big.data();
        }
        p->CopyData(data, uint32_t(n));
        struct isakmp_sim_datagram d;
        d.node = ep->node;
        d.src = f.GetIpv4().Get();
        d.sport = f.GetPort();
        d.dst = to;
        d.dport = ep->port;
        d.data = data;
        d.len = n;
        ep->fn(ep->user, &d);
    }
}

int isakmp_sim_udp_open(isakmp_sim_world *w, uint32_t node, uint32_t addr, uint16_t port,
                        isakmp_sim_recv_fn fn, void *user)
{
    Ptr<Node> n = GetNode(w, node);
    if (!n || port == 0 || w->udp.count({node, port}))
        return -1;
    auto ep = std::make_unique<Endpoint>();
    ep->w = w;
    ep->node = node;
    ep->port = port;
    ep->fn = fn;
    ep->user = user;
    ep->received = 0;
    ep->sock = Socket::CreateSocket(n, UdpSocketFactory::GetTypeId());
    if (ep->sock->Bind(InetSocketAddress(Ipv4Address(addr), port)) != 0)
        return -1;
    ep->sock->SetRecvPktInfo(true);
    ep->sock->SetRecvCallback(MakeBoundCallback(&OnUdpReadable, ep.get()));
    w->udp[{node, port}] = std::move(ep);
    return 0;
}

int isakmp_sim_udp_send(isakmp_sim_world *w, uint32_t node, uint16_t sport, uint32_t dst,
                        uint16_t dport, const void *data, size_t len)
{
    if (!w || len > kMaxUdpPayload || (len && !data))
        return -1;
    auto it = w->udp.find({node, sport});
    if (it == w->udp.end())
        return -1;
    EnsureRoutes(w);
    Ptr<Packet> p = Create<Packet>(static_cast<const uint8_t *>(data), uint32_t(len));
    return it->second->sock->SendTo(p, 0, InetSocketAddress(Ipv4Address(dst), dport)) < 0 ? -1 : 0;
}

uint64_t isakmp_sim_udp_received(isakmp_sim_world *w, uint32_t node, uint16_t port)
{
    if (!w)
        return 0;
    auto it = w->udp.find({node, port});
    return it == w->udp.end() ? 0 : it->second->received;
}

static void FloodStep(Ptr<Socket> s, InetSocketAddress to, uint32_t len, uint64_t left,
                      Time interval)
{
    s->SendTo(Create<Packet>(len), 0, to);
    if (left > 1)
        Simulator::Schedule(interval, &FloodStep, s, to, len, left - 1, interval);
}

int isakmp_sim_udp_flood(isakmp_sim_world *w, uint32_t node, uint16_t sport, uint32_t dst,
                         uint16_t dport, size_t len, uint64_t count, uint64_t start_ns,
                         uint64_t interval_ns)
{
    if (!w || len > kMaxUdpPayload || start_ns > uint64_t(INT64_MAX) ||
        interval_ns > uint64_t(INT64_MAX))
        return -1;
    auto it = w->udp.find({node, sport});
    if (it == w->udp.end())
        return -1;
    if (count == 0)
        return 0;
    EnsureRoutes(w);
    uint64_t now = isakmp_sim_now(w);
    Simulator::Schedule(NanoSeconds(int64_t(start_ns > now ? start_ns - now : 0)), &FloodStep,
                        it->second->sock, InetSocketAddress(Ipv4Address(dst), dport),
                        uint32_t(len), count, NanoSeconds(int64_t(interval_ns)));
    return 0;
}

// ---- injection ----

int isakmp_sim_inject_udp(isakmp_sim_world *w, uint32_t node, uint32_t src, uint16_t sport,
                          uint32_t dst, uint16_t dport, const void *data, size_t len)
{
    Ptr<Node> n = GetNode(w, node);
    if (!n || len > kMaxUdpPayload || (len && !data))
        return -1;
    EnsureRoutes(w);
    // Find the device that routes towards dst, then send through a raw
    // socket bound to it: an unbound raw socket with a foreign source
    // address makes ns-3 look up interface -1 and crash (see ns3.md).
    Ptr<Ipv4> ipv4 = n->GetObject<Ipv4>();
    Ipv4Header probe;
    probe.SetDestination(Ipv4Address(dst));
    probe.SetProtocol(17);
    Socket::SocketErrno err;
    Ptr<Ipv4Route> route = ipv4->GetRoutingProtocol()->RouteOutput(Create<Packet>(), probe, nullptr, err);
    if (!route || !route->GetOutputDevice())
        return -1;
    Ptr<NetDevice> dev = route->GetOutputDevice();
    Ptr<Socket> &s = w->raw[PeekPointer(dev)];
    if (!s) {
        s = Socket::CreateSocket(n, Ipv4RawSocketFactory::GetTypeId());
        s->SetAttribute("Protocol", UintegerValue(17));
        s->SetAttribute("IpHeaderInclude", BooleanValue(true));
        s->Bind();
        s->BindToNetDevice(dev);
        s->ShutdownRecv(); // it would otherwise queue a copy of every UDP packet
    }
    std::vector<uint8_t> f;
    AppendIpv4(f, nullptr, 0, src, dst, w->next_ip_id++, 8 + len);
    AppendUdp(f, src, dst, sport, dport, static_cast<const uint8_t *>(data), len);
    Ptr<Packet> p = Create<Packet>(f.data(), uint32_t(f.size()));
    return s->SendTo(p, 0, InetSocketAddress(Ipv4Address(dst), 0)) < 0 ? -1 : 0;
}

// ---- time ----

static void FireEvent(isakmp_sim_world *w, uint64_t id, isakmp_sim_event_fn fn, void *arg)
{
    w->events.erase(id);
    fn(arg);
}

uint64_t isakmp_sim_now(const isakmp_sim_world *w)
{
    (void)w;
    return uint64_t(Simulator::Now().GetNanoSeconds());
}

uint64_t isakmp_sim_after(isakmp_sim_world *w, uint64_t delay_ns, isakmp_sim_event_fn fn,
                          void *arg)
{
    if (!w || !fn || delay_ns > uint64_t(INT64_MAX) - isakmp_sim_now(w))
        return 0;
    uint64_t id = w->next_event++;
    w->events.emplace(id, Simulator::Schedule(NanoSeconds(int64_t(delay_ns)), &FireEvent, w,
                                              id, fn, arg));
    return id;
}

uint64_t isakmp_sim_at(isakmp_sim_world *w, uint64_t t_ns, isakmp_sim_event_fn fn, void *arg)
{
    if (!w)
        return 0;
    uint64_t now = isakmp_sim_now(w);
    return isakmp_sim_after(w, t_ns > now ? t_ns - now : 0, fn, arg);
}

bool isakmp_sim_cancel(isakmp_sim_world *w, uint64_t handle)
{
    if (!w)
        return false;
    auto it = w->events.find(handle);
    if (it == w->events.end())
        return false;
    Simulator::Cancel(it->second);
    w->events.erase(it);
    return true;
}

static void StopNow() { Simulator::Stop(); }

void isakmp_sim_run(isakmp_sim_world *w)
{
    if (!w || w->running)
        return;
    EnsureRoutes(w);
    w->running = true;
    Simulator::Run();
    w->running = false;
}

void isakmp_sim_run_until(isakmp_sim_world *w, uint64_t t_ns)
{
    if (!w || w->running)
        return;
    EnsureRoutes(w);
    uint64_t now = isakmp_sim_now(w);
    if (t_ns < now || t_ns - now > uint64_t(INT64_MAX))
        return;
    // Our own stop event (not Simulator::Stop(delay)) so it can be removed
    // if the run ends early, and cannot cut a later run short.
    EventId stop = Simulator::Schedule(NanoSeconds(int64_t(t_ns - now)), &StopNow);
    w->running = true;
    Simulator::Run();
    w->running = false;
    Simulator::Cancel(stop);
}

void isakmp_sim_stop(isakmp_sim_world *w)
{
    if (w)
        Simulator::Stop();
}

// ---- pcap ----

static void PcapEnd(isakmp_sim_world *w, End *e, const std::string &name, bool explicit_name)
{
    if (e->csma)
        w->csma.EnablePcap(name, e->dev, true, explicit_name);
    else
        w->p2p.EnablePcap(name, e->dev, true, explicit_name);
}

int isakmp_sim_pcap_device(isakmp_sim_world *w, uint32_t link, uint32_t end, const char *path)
{
    End *e = GetEnd(w, link, end);
    if (!e || !path || !*path)
        return -1;
    PcapEnd(w, e, path, true);
    return 0;
}

int isakmp_sim_pcap_link(isakmp_sim_world *w, uint32_t link, const char *prefix)
{
    if (!w || link >= w->links.size() || !prefix || !*prefix)
        return -1;
    for (auto &e : w->links[link].ends)
        PcapEnd(w, e.get(), prefix, false);
    return 0;
}

int isakmp_sim_pcap_node(isakmp_sim_world *w, uint32_t node, const char *prefix)
{
    if (!GetNode(w, node) || !prefix || !*prefix)
        return -1;
    for (auto &l : w->links)
        for (auto &e : l.ends)
            if (e->node == node)
                PcapEnd(w, e.get(), prefix, false);
    return 0;
}

int isakmp_sim_end_stats(isakmp_sim_world *w, uint32_t link, uint32_t end,
                         struct isakmp_sim_end_stats *out)
{
    End *e = GetEnd(w, link, end);
    if (!e || !out)
        return -1;
    *out = e->em->stats;
    Ptr<Queue<Packet>> q;
    if (e->csma)
        q = DynamicCast<CsmaNetDevice>(e->dev)->GetQueue();
    else
        q = DynamicCast<PointToPointNetDevice>(e->dev)->GetQueue();
    out->queue_dropped = q ? q->GetTotalDroppedPackets() : 0;
    return 0;
}

} // extern "C"
